"""The one `UserFactory`: every app's tests import it from here."""

import factory
from allauth.account.models import EmailAddress

from apps.accounts.models import User

PASSWORD = "purple tiger 42 lamp"  # passes the password validators, so sign-up tests can reuse it


class UserFactory(factory.django.DjangoModelFactory):
    """A reader with a password (`PASSWORD`) and a verified primary e-mail, as allauth records it.

    `UserFactory(verified=False)` leaves the e-mail unverified. Asking twice for one e-mail returns
    the same user.
    """

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"primary": True, "verified": True}
            )
