from django.http import HttpRequest

from carecircle.core import navigation, scope


def console(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_groups": navigation.groups_for(user, request.path),
        "user_roles": sorted(scope.roles_of(user)),
    }
