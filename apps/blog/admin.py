# Admin registrations arrive with the blog models.
