"""Who may move an example ticket."""


def can_submit_ticket(actor, ticket):
    return actor is not None and actor.is_active and actor.pk == ticket.owner_id


def can_decide_ticket(actor, ticket):
    return actor is not None and actor.is_active and actor.pk == ticket.reviewer_id
