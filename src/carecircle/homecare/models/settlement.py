"""Ratings, complaints and the month-end provider statement with its postings, lines and entries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecircle.core.fields import money_field
from carecircle.homecare.models.base import MONEY_DIGITS
from carecircle.homecare.models.catalogue import FundingSource, Provider
from carecircle.homecare.models.orders import Order

# ------------------------------------------------------------------ ratings, complaints, settlement


class Rating(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    region_code = models.CharField(max_length=12, db_index=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range")
        ]


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ANSWERED = "answered", _("已答复")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="complaints")
    region_code = models.CharField(max_length=12, db_index=True)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="complaints")
    street_code = models.CharField(_("街道"), max_length=12, db_index=True)
    text = models.CharField(_("投诉内容"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("办结时限"))
    response = models.CharField(_("答复"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "id"]


class Statement(models.Model):
    """A provider's month-end statement: verified visits by funding source; visits with open
    exceptions or complaints are held back, rejected ones are not paid."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="statements")
    region_code = models.CharField(max_length=12, db_index=True)
    month = models.DateField(_("月份"))
    generated_at = models.DateTimeField(auto_now=True)
    visit_count = models.PositiveIntegerField(default=0)
    total = money_field(default=0, max_digits=MONEY_DIGITS)
    held_count = models.PositiveIntegerField(default=0)
    held_total = money_field(default=0, max_digits=MONEY_DIGITS)
    # Why the government-funded lines were not (fully) posted to the funds ledger, if so.
    ledger_note = models.CharField(_("资金入账说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="statement_unique_month")]


class StatementPosting(models.Model):
    """A government-funded statement line posted to the benefits funds ledger (ledger_spend).
    Rebuilding the statement posts only what grew since (`seq` 2, 3 …); `reference` is the ledger's
    idempotency key, so the same posting is never counted twice."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="postings")
    source = models.CharField(max_length=12, choices=FundingSource.choices)
    programme_code = models.CharField(max_length=40, blank=True)  # the statement line's code
    ledger_programme = models.CharField(_("出资补贴项目"), max_length=40)
    seq = models.PositiveSmallIntegerField(default=1)
    amount = money_field(max_digits=MONEY_DIGITS)
    reference = models.CharField(max_length=150, unique=True)
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["statement_id", "source", "programme_code", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "source", "programme_code", "seq"], name="statement_posting_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_posting_positive"),
        ]


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    source = models.CharField(max_length=12, choices=FundingSource.choices)
    programme_code = models.CharField(max_length=40, blank=True)
    visits = models.PositiveIntegerField()
    amount = money_field(max_digits=MONEY_DIGITS)

    class Meta:
        ordering = ["source", "programme_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "source", "programme_code"], name="statement_line_unique"
            ),
        ]


class StatementEntry(models.Model):
    """Each order the statement considered: paid, held (with reason) or refused."""

    class State(models.TextChoices):
        PAID = "paid", _("结算")
        HELD = "held", _("暂缓结算")
        REFUSED = "refused", _("不予结算")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="entries")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices)
    reason = models.CharField(max_length=200, blank=True)
    amount = money_field(max_digits=MONEY_DIGITS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "order"], name="statement_entry_unique")]
