"""Signals of the registry for the apps above it (mobilization imports reservists, never the reverse).

`eligibility_changed` is sent inside the transaction that executes a change of the facts that decide whether a
person may be called: an approved residence move, a new priority grant (Art. 29/30), a change of a person's
status (deceased, emigrated, removed) or township, whether by a page, the API or an import. Arguments:
`reservist_ids` (the people), `cause` ("moved", "grant", "registry") and `user` (who made the change, or None).
Receivers run in the same transaction: what they write commits or rolls back with the change."""

from django.dispatch import Signal

eligibility_changed = Signal()


def announce(reservist_ids, *, cause: str, user=None) -> None:
    ids = sorted({int(pk) for pk in reservist_ids})
    if ids:
        eligibility_changed.send(sender=announce, reservist_ids=ids, cause=cause, user=user)
