"""Official documents of inspections as PDF (built by its own piece of work)."""


def attach_order_pdf(order):
    """Render the rectification order and store it on the order."""
    return None


def attach_penalty_pdf(penalty):
    return None
