"""The buy box on project and premium post pages, named in the blog's `BLOG_PURCHASE_BOX` setting.

The blog calls `purchase_box(request, item)` without importing payments. What it shows:
- a download button to whoever may download a project's attachment (buyers, editors);
- the price and "Buy" (a form posting to the checkout view) to a signed-in reader;
- the price and "Sign in to buy" to a visitor (so anonymous pages stay cacheable);
- "Payments are not configured on this site." when there are no Stripe keys.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from apps.blog.models import Project

from . import selectors
from .gateways import not_configured_reason, payments_configured
from .models import format_money


def purchase_box(request: Any, item: Any) -> SafeString:
    user = getattr(request, "user", None)
    is_project = isinstance(item, Project)
    if is_project and item.attachment_id and selectors.user_can_download(user=user, project=item):
        can_download, for_sale = True, False
    else:
        can_download = False
        for_sale = item.is_for_sale and ((is_project and item.is_published) or (not is_project and item.is_live))
    if not can_download and not for_sale:
        return mark_safe("")
    owned = for_sale and selectors.user_owns(user=user, **({"project": item} if is_project else {"post": item}))
    return render_to_string(
        "payments/_purchase_box.html",
        {
            "item": item,
            "kind": "project" if is_project else "post",
            "price": format_money(item.price, item.currency),
            "can_download": can_download,
            "owned": owned,
            "for_sale": for_sale,
            "configured": payments_configured(),
            "tax": selectors.tax_rate_current() if for_sale and not owned else None,
            "not_configured": not_configured_reason(),
            "signed_in": bool(user is not None and user.is_authenticated),
        },
        request=request,
    )
