"""The portal's pages, for a party on a phone. Every page but the link's own and the
"session ended" page needs the portal session (``session.party_required``); every
document is looked up among ``documents_for_party`` of that party, so any other is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from documents import selectors as document_selectors
from documents import services as document_services
from documents.models import DocumentStatus, OneTimeCode, SignatureMethod, SignerRole

from . import forms, selectors, services, steps
from .session import party_required, portal_login, portal_logout, portal_party


def _home():
    return HttpResponseRedirect(reverse("portal:home"))


def _posted(request):
    return request.POST if request.method == "POST" else None


def _client(request) -> dict:
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.headers.get("user-agent", "")[:300],
    }


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _add_errors(form, exc: ValidationError) -> None:
    for message in _messages_of(exc):
        form.add_error(None, message)


def _delivery_failed(request) -> None:
    messages.error(request, _("The text message could not be sent. Try again in a moment."))


# Opening the portal.


@never_cache
def link_open(request, token):
    """The link from the message: send a code to the party's phone, then confirm it."""
    link = services.portal_link_find(token)
    problem = services.link_problem(link)
    if problem:
        status = 404 if link is None else 410
        return render(request, "portal/link_problem.html", {"problem": problem}, status=status)
    current = portal_party(request)
    if current is not None and current.link.pk == link.pk:
        return _home()
    form = forms.CodeForm()
    if request.method == "POST":
        if request.POST.get("action") == "send":
            try:
                services.portal_code_send(link=link)
                messages.success(request, _("A code was sent to your phone."))
            except ValidationError as exc:
                for message in _messages_of(exc):
                    messages.error(request, message)
            except services.DeliveryFailed:
                _delivery_failed(request)
            return HttpResponseRedirect(request.path)
        form = forms.CodeForm(request.POST)
        if form.is_valid():
            try:
                services.portal_open(link=link, code=form.cleaned_data["code"], **_client(request))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                portal_login(request, link)
                return _home()
    context = {
        "form": form,
        "person": link.party.person,
        "name": link.party.person.name,
        "code_sent": link.codes.filter(purpose=OneTimeCode.Purpose.LOGIN).exists(),
    }
    return render(request, "portal/link_open.html", context)


@never_cache
def ended(request):
    return render(request, "portal/ended.html")


@require_POST
def logout(request):
    portal_logout(request)
    return HttpResponseRedirect(reverse("portal:ended"))


# The case.


def _waiting_documents(party, documents):
    return [d for d in documents if document_selectors.document_awaiting_party(d, party)]


@party_required
@require_GET
def home(request):
    party = request.portal.party
    case = party.case
    referral = selectors.referral_of(case)
    documents = list(document_selectors.documents_for_party(party))
    for document in documents:
        document.my_signature = next(
            (s for s in document.signatures.all() if s.party_id == party.pk), None
        )
    organisation, mediator = selectors.handler_names(case)
    choice_open = steps.choice_open(referral)
    context = {
        "party": party,
        "case": case,
        "status_words": selectors.status_words(case, referral),
        "organisation": organisation,
        "mediator": mediator,
        "deadlines": selectors.deadlines(case, referral),
        "consent_open": steps.consent_open(party, referral),
        "consent_form": forms.ConsentForm(),
        "choice_open": choice_open,
        "my_choice": steps.preferred_mediator(party, referral) if choice_open else None,
        "rating_open": steps.rating_open(party),
        "to_sign": _waiting_documents(party, documents),
        "documents": documents,
    }
    return render(request, "portal/home.html", context)


@party_required
@require_POST
def consent(request):
    party = request.portal.party
    referral = selectors.referral_of(party.case)
    if not steps.consent_open(party, referral):
        messages.error(request, _("Your answer is not asked for now."))
        return _home()
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you agree."))
        return _home()
    consents = form.cleaned_data["answer"] == "consent"
    try:
        steps.party_consent(
            party=party, referral=referral, consents=consents, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return _home()
    if consents:
        messages.success(request, _("Thank you: your agreement to mediation is recorded."))
    else:
        messages.success(request, _("Your answer is recorded: the dispute goes back to the court."))
    return _home()


@party_required
def mediator(request):
    party = request.portal.party
    referral = selectors.referral_of(party.case)
    if not steps.choice_open(referral):
        messages.error(request, _("The parties are not choosing a mediator now."))
        return _home()
    profiles = steps.mediator_choices(referral)
    chosen = steps.preferences(referral)
    form = forms.ChooseForm(
        _posted(request),
        profiles=profiles,
        initial={
            "mediator": next(
                (str(p.pk) for p in profiles if p.user_id == chosen.get(party.pk)), None
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            steps.party_choose_mediator(
                party=party, referral=referral, mediator_profile_pk=form.cleaned_data["mediator"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            referral.refresh_from_db()
            if referral.proposed_mediator_id:
                messages.success(
                    request,
                    _("Every party chose the same mediator: they are asked to take the case."),
                )
            else:
                messages.success(
                    request, _("Your choice is recorded. The other parties choose too.")
                )
            return _home()
    context = {"form": form, "profiles": profiles, "referral": referral}
    return render(request, "portal/mediator.html", context)


@party_required
def rate(request):
    party = request.portal.party
    if not steps.rating_open(party):
        messages.error(request, _("Rating is closed for this case."))
        return _home()
    form = forms.RateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            steps.party_rate(
                party=party, stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thank you for rating our service."))
            return _home()
    return render(request, "portal/rate.html", {"form": form, "case": party.case})


# Documents.


def _document(request, pk):
    """The party's document ``pk``, or 404: another case's, or one they may not see."""
    document = document_selectors.documents_for_party(request.portal.party).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def _file_response(document, *, attachment: bool):
    file = document_selectors.document_file(document)
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"),
        as_attachment=attachment,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@party_required
@require_GET
@xframe_options_sameorigin
def document_file(request, pk):
    """The PDF, shown in the browser: the copy for signing until the document is issued."""
    return _file_response(_document(request, pk), attachment=False)


@party_required
@require_GET
def document_download(request, pk):
    document = _document(request, pk)
    if document.status != DocumentStatus.ISSUED:
        raise Http404
    return _file_response(document, attachment=True)


def _sign_page(request, document, *, drawn=None, coded=None, status=200):
    party = request.portal.party
    initial = {"seen_sha256": document.signing_sha256}
    context = {
        "document": document,
        "drawn_form": drawn or forms.DrawnSignForm(initial=initial),
        "code_form": coded or forms.CodeSignForm(initial=initial),
        "awaiting": document_selectors.document_awaiting_party(document, party),
        "person": party.person,
        "my_signature": document.signatures.filter(party=party, role=SignerRole.PARTY).first(),
    }
    return render(request, "portal/sign.html", context, status=status)


@party_required
def document_sign(request, pk):
    """Read the agreement and sign it: by drawing, or with a code sent to the phone."""
    document = _document(request, pk)
    if request.method != "POST":
        return _sign_page(request, document)
    party = request.portal.party
    method = request.POST.get("method")
    if method == SignatureMethod.DRAWN:
        form = forms.DrawnSignForm(request.POST)
        if form.is_valid():
            try:
                document_services.document_sign_party(
                    document=document,
                    party=party,
                    method=SignatureMethod.DRAWN,
                    seen_sha256=form.cleaned_data["seen_sha256"],
                    image_png=form.cleaned_data["signature"],
                    **_client(request),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _signed(request, document)
        return _sign_page(request, document, drawn=form, status=400)
    if method == SignatureMethod.CODE:
        form = forms.CodeSignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.portal_code_confirm(
                    link=request.portal.link,
                    code=data["code"],
                    document=document,
                    then=lambda: document_services.document_sign_party(
                        document=document,
                        party=party,
                        method=SignatureMethod.CODE,
                        seen_sha256=data["seen_sha256"],
                        **_client(request),
                    ),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return _signed(request, document)
        return _sign_page(request, document, coded=form, status=400)
    raise Http404


def _signed(request, document):
    messages.success(request, _("You signed %(number)s. Thank you.") % {"number": document.number})
    return _home()


@party_required
@require_POST
def document_code(request, pk):
    """Send a code to confirm the signature of document ``pk``."""
    document = _document(request, pk)
    if not document_selectors.document_awaiting_party(document, request.portal.party):
        messages.error(request, _("This document is not awaiting your signature."))
        return HttpResponseRedirect(reverse("portal:sign", args=[document.pk]))
    try:
        services.portal_code_send(
            link=request.portal.link, purpose=OneTimeCode.Purpose.SIGN, document=document
        )
        messages.success(request, _("A code was sent to your phone."))
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    except services.DeliveryFailed:
        _delivery_failed(request)
    return HttpResponseRedirect(reverse("portal:sign", args=[document.pk]) + "#code")
