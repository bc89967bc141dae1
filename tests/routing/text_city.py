"""A city whose general requests are owned by the agency their subtype names: the text
model's test city, shared by the engine's tests and the backend's."""

from datetime import UTC, datetime, timedelta

from routing.history import HistoricalRequest
from routing.model import Owner, RoutingInput

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
AGENCIES = (
    ("county_clerk", "COUNTY", "Clerk"),
    ("building_inspection", "DBI", "Inspection"),
    ("tt_collector", "TREASURER", "Tax"),
)
KINDS = ("complaint", "request_for_service", "customer_callback", "compliment")


def general_request(n: int, agency: str, kind: str) -> RoutingInput:
    return RoutingInput(
        received_at=START + timedelta(hours=n),
        service="General Requests",
        subtype=f"{agency} - {agency} - {kind}",
        details=f"{agency} - {agency} - {kind}",
    )


def history() -> list[HistoricalRequest]:
    rows = []
    for n in range(240):
        agency, department, unit = AGENCIES[n % 3]
        # Every agency's requests arrive under three kinds; the fourth is never seen.
        kind = KINDS[(n // 3) % 3]
        rows.append(
            HistoricalRequest(str(n), general_request(n, agency, kind), Owner(department, unit))
        )
    # The service alone mostly goes to public works.
    rows += [
        HistoricalRequest(
            f"dpw{n}",
            RoutingInput(received_at=START + timedelta(hours=n), service="General Requests"),
            Owner("DPW", "Ops"),
        )
        for n in range(300)
    ]
    return sorted(rows, key=lambda row: row.request.received_at)
