"""factory_boy factories shared by every test area."""

import factory
from django.utils import timezone

from accounts.models import User
from packages.models import License, Package, PackageState, PackageType
from releases.models import Release


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    # verified, since most tests publish; pass verified_email="" for an account that has not
    verified_email = factory.LazyAttribute(lambda u: u.email)
    password = factory.django.Password("correct horse battery staple")


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    author = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"package_{n}")
    title = factory.LazyAttribute(lambda p: p.name.replace("_", " ").title())
    type = PackageType.MOD
    short_description = "A package made by a test."
    state = PackageState.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
    license = factory.LazyFunction(lambda: License.objects.get(name="MIT"))
    media_license = factory.LazyFunction(lambda: License.objects.get(name="CC-BY-SA-4.0"))


class RockFactory(PackageFactory):
    type = PackageType.ROCK
    name = factory.Sequence(lambda n: f"rock-{n}")
    license = None
    media_license = None
    declared_license = "MIT"
    in_root_manifest = True


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    package = factory.SubFactory(PackageFactory)
    name = factory.Sequence(lambda n: f"1.{n}.0")
    title = factory.LazyAttribute(lambda r: f"Release {r.name}")
    approved = True
    approved_at = factory.LazyFunction(timezone.now)
