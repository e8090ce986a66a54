# Models arrive with the blog issue.
