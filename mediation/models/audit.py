from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CASE_REPORTED = "case.reported", _("Case reported")
    CASE_UPDATED = "case.updated", _("Case updated")
    CASE_ACCEPTED = "case.accepted", _("Case accepted")
    CASE_DISPATCHED = "case.dispatched", _("Case dispatched")
    CASE_MEDIATING = "case.mediating", _("Mediation started")
    CASE_OUTCOME = "case.outcome", _("Outcome recorded")
    CASE_CLOSED = "case.closed", _("Case closed")
    CASE_REJECTED = "case.rejected", _("Case not accepted")
    CASE_REDIRECTED = "case.redirected", _("Case redirected")
    CASE_MERGED = "case.merged", _("Case merged")
    CASE_RATED = "case.rated", _("Case rated")
    CASE_RATING_CLOSED = "case.rating_closed", _("Rating closed")
    CASE_ESCALATED = "case.escalated", _("Case escalated")
    CASE_OVERDUE = "case.overdue", _("Handling deadline missed")
    CASE_REOPENED = "case.reopened", _("Case reopened after a return visit")
    CASE_SHARED = "case.shared", _("Case shared")
    CASE_SHARE_REVOKED = "case.share_revoked", _("Case share revoked")
    HOME_VISIT_SCHEDULED = "home_visit.scheduled", _("Home visit scheduled")
    JOINT_SUMMONED = "joint.summoned", _("Departments summoned")
    JOINT_REPORTED_IN = "joint.reported_in", _("Department reported in")
    JOINT_ESCALATED = "joint.escalated", _("Department missed its deadline")
    JOINT_EXTENDED = "joint.extended", _("Department's deadline extended")
    JOINT_ANSWERED = "joint.answered", _("Director answered for a department")
    JOINT_PLANNED = "joint.planned", _("Joint plan made")
    LEADER_APPOINTED = "leader.appointed", _("Responsible leader appointed")
    LEADER_PLAN_DRAFTED = "leader.plan_drafted", _("Resolution plan drafted")
    LEADER_PLAN_APPROVED = "leader.plan_approved", _("Resolution plan approved")
    LEADER_PLAN_RETURNED = "leader.plan_returned", _("Resolution plan returned")
    PROGRESS_FILED = "leader.progress_filed", _("Progress report filed")
    PROGRESS_MISSED = "leader.progress_missed", _("Progress report missed")
    LEADER_SIGNED_OFF = "leader.signed_off", _("Leader signed off the resolution")
    LEADER_SENT_BACK = "leader.sent_back", _("Leader sent the resolution back")
    RETURN_VISIT_SCHEDULED = "return_visit.scheduled", _("Return visit scheduled")
    RETURN_VISIT_DONE = "return_visit.done", _("Return visit made")
    PATROL_ROUND_OPENED = "patrol.opened", _("Patrol round opened")
    PATROL_ROUND_RECORDED = "patrol.recorded", _("Patrol round recorded")
    REFERRAL_CREATED = "referral.created", _("Court referral received")
    REFERRAL_TAKEN = "referral.taken", _("Court referral taken up by the centre")
    REFERRAL_RETURNED = "referral.returned", _("Court referral returned to the court")
    REFERRAL_CONSENTED = "referral.consented", _("Parties consented to mediation")
    REFERRAL_DESIGNATED = "referral.designated", _("Mediator designated")
    REFERRAL_ANSWERED = "referral.answered", _("Designated mediator answered")
    REFERRAL_EXTENDED = "referral.extended", _("Mediation period extended")
    REFERRAL_APPRAISAL = "referral.appraisal", _("Appraisal started or ended")
    REFERRAL_OVERDUE = "referral.overdue", _("Referral overdue")
    REFERRAL_RECUSED = "referral.recused", _("Mediator recused")
    REFERRAL_SHAM = "referral.sham", _("Suspected sham mediation flagged")
    REFERRAL_OUTCOME = "referral.outcome", _("Referral's outcome recorded")
    REFERRAL_CONFIRMATION = "referral.confirmation", _("Judicial confirmation recorded")
    REFERRAL_REGISTERED = "referral.registered", _("Court registered the case")
    REFERRAL_RESUMED = "referral.resumed", _("Court let the suspended mediation resume")
    REFERRAL_TRIAL_RESUMED = "referral.trial_resumed", _("Trial resumed at the court")
    PARTY_ADDED = "party.added", _("Party added")
    ORGANISATION_CREATED = "organisation.created", _("Organisation created")
    MEMBERSHIP_GRANTED = "membership.granted", _("Membership granted")
    MEDIATOR_REGISTERED = "mediator.registered", _("Mediator registered")
    POLICE_REFERRED = "police.referred", _("Police referral received")
    POLICE_ACCEPTED = "police.accepted", _("Police referral accepted")
    POLICE_LATE = "police.late", _("Police referral not accepted within 24 hours")
    POLICE_HANDED_BACK = "police.handed_back", _("Handed back to the police")
    PETITION_TRANSFERRED = "petition.transferred", _("Petition transferred to mediation")
    PETITION_OBJECTED = "petition.objected", _("Objection to a petition's transfer")
    PETITION_EXTENDED = "petition.extended", _("Petition's handling period extended")
    PETITION_OVERDUE = "petition.overdue", _("Petition not handled in time")
    PETITION_RESULT = "petition.result", _("Petition's result sent back")
    MEDIATOR_PROFILE_UPDATED = "mediator.updated", _("Mediator profile updated")
    MEDIATOR_SANCTIONED = "mediator.sanctioned", _("Mediator sanctioned")
    DUTY_SHIFT_SET = "duty.set", _("Duty shift set")
    DUTY_SHIFT_REMOVED = "duty.removed", _("Duty shift removed")
    SESSION_SCHEDULED = "session.scheduled", _("Mediation session scheduled")
    SESSION_HELD = "session.held", _("Mediation session recorded")
    SESSION_POSTPONED = "session.postponed", _("Mediation session postponed")
    SESSION_CANCELLED = "session.cancelled", _("Mediation session cancelled")
    RIGHTS_NOTIFIED = "session.rights_notified", _("Parties told their rights and duties")
    DOCUMENT_DRAFTED = "document.drafted", _("Document drafted")
    DOCUMENT_RENDERED = "document.rendered", _("Document rendered")
    DOCUMENT_FAILED = "document.failed", _("Document could not be rendered")
    DOCUMENT_SIGNED = "document.signed", _("Document signed")
    DOCUMENT_EFFECTIVE = "document.effective", _("Agreement took effect")
    DOCUMENT_ISSUED = "document.issued", _("Document sealed and issued")
    DOCUMENT_CORRECTED = "document.corrected", _("Document corrected by a new version")
    PORTAL_LINK_SENT = "portal.link_sent", _("Portal link sent to a party")
    PORTAL_OPENED = "portal.opened", _("Party opened the portal")
    PORTAL_LINK_REVOKED = "portal.link_revoked", _("Portal link withdrawn")
    PORTAL_MEDIATOR_CHOSEN = "portal.mediator_chosen", _("Party chose a mediator on the portal")


class AuditEvent(models.Model):
    """One change, written by the service that made it, in the same transaction."""

    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    case = models.ForeignKey(
        "mediation.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
