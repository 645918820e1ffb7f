"""The parties' consent to a court referral (特邀调解规定 art 11): each party's answer is
recorded on its own. One refusal, or a party who cannot be reached, sends the referral
back to the court (人民调解法 art 17); when every party consents, they choose the
mediator."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, services
from .models import AuditAction, CaseStatus
from .models.referrals import ConsentAnswer, PartyConsent, Referral, ReferralStatus
from .services_referral_end import _audit, _locked, _send_back


def _clean_answers(referral: Referral, answers: Mapping[int, tuple[str, str]], answered_on):
    """The (party, answer, note) of each answer given; blank answers are skipped."""
    errors = {}
    today = timezone.localdate()
    if answered_on is None or answered_on > today:
        errors["answered_on"] = _("Give the day the parties answered; it cannot be in the future.")
    elif answered_on < timezone.localdate(referral.created_at):
        errors["answered_on"] = _("The parties cannot answer before the court referred the case.")
    parties = {party.pk: party for party in referral.case.parties.select_related("person")}
    answered = set(referral.consents.values_list("party_id", flat=True))
    cleaned = []
    for party_pk, (answer, note) in answers.items():
        note = (note or "").strip()
        if not answer:
            continue
        party = parties.get(party_pk)
        if party is None:
            errors["answers"] = _("This person is not a party to the case.")
            continue
        if answer not in ConsentAnswer.values:
            errors["answers"] = _("Choose each party's answer.")
            continue
        if party_pk in answered:
            errors["answers"] = _("%(name)s has already answered.") % {"name": party.person.name}
            continue
        if answer == ConsentAnswer.UNREACHED and not note:
            errors["answers"] = _("Say how %(name)s was contacted.") % {"name": party.person.name}
            continue
        cleaned.append((party, answer, note))
    if not cleaned and "answers" not in errors:
        errors["answers"] = _("Record at least one party's answer.")
    if errors:
        raise ValidationError(errors)
    return cleaned, parties


def _refusal_reason(party, answer: str, note: str) -> str:
    if answer == ConsentAnswer.UNREACHED:
        text = _("%(name)s could not be reached (在线调解规则 art 15).")
    else:
        text = _("%(name)s refused mediation (人民调解法 art 17).")
    text %= {"name": party.person.name}
    return f"{text} {note}".strip()


def referral_consent(
    *,
    referral: Referral,
    actor,
    answers: Mapping[int, tuple[str, str]],
    answered_on: datetime.date,
) -> Referral:
    """Record the answers ``{party pk: (answer, note)}`` the parties gave on ``answered_on``.

    A refusal or an unreachable party returns the referral to the court; when every
    party has consented, the parties have 2 working days to choose the mediator;
    otherwise the referral waits for the other answers.
    """
    with transaction.atomic():
        referral = _locked(referral, ReferralStatus.CONSENT, ReferralStatus.CONTACTING)
        cleaned, parties = _clean_answers(referral, answers, answered_on)
        PartyConsent.objects.bulk_create(
            PartyConsent(
                referral=referral,
                party=party,
                answer=answer,
                answered_on=answered_on,
                note=note,
                recorded_by=actor,
            )
            for party, answer, note in cleaned
        )
        consented = [party for party, answer, _note in cleaned if answer == ConsentAnswer.CONSENTED]
        if consented:
            _audit(
                referral,
                AuditAction.REFERRAL_CONSENTED,
                actor,
                parties=[party.person.name for party in consented],
                on=str(answered_on),
            )
        refusals = [item for item in cleaned if item[1] != ConsentAnswer.CONSENTED]
        if refusals:
            reason = " ".join(_refusal_reason(*item) for item in refusals)
            _send_back(referral, actor, reason)
            if referral.case.status == CaseStatus.REPORTED:
                services.case_reject(case=referral.case, actor=actor, reason=reason)
            return referral
        consenting = set(
            referral.consents.filter(answer=ConsentAnswer.CONSENTED).values_list(
                "party_id", flat=True
            )
        )
        if consenting >= set(parties):
            referral.status = ReferralStatus.CHOOSING
            referral.choose_by = deadlines.referral_working_days_by(
                timezone.localdate(), deadlines.REFERRAL_CHOOSE_WORKING_DAYS
            )
            referral.save(update_fields=["status", "choose_by"])
    return referral


__all__ = ["referral_consent"]
