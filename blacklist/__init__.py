"""Credit-punishment listings: advance notice, objection, decision, publication and removal."""
