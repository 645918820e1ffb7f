"""The party portal: a party opens a link sent by SMS or email, confirms a one-time code
sent to their phone, and sees their case, answers what the flow asks of them, signs
and downloads documents. A party has no password and never logs into the staff site;
the portal keeps its own identity in the session (``session.py``)."""
