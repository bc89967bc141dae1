"""The rule ids a transfer records when no routing rule decided the new owner. Pages that
explain a request's routing read these names instead of repeating the strings."""

# Transferred too many times: the supervisors' routing desk decides.
ROUTING_DESK_AFTER_TRANSFERS = "routing-desk"
# Every likely owner has declined it: the routing desk decides.
ROUTING_DESK_ALL_DECLINED = "routing-desk:declined"
# The person transferring it named the new owner.
NAMED_BY_STAFF = "transfer:suggested"
