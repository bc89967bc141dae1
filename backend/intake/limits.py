"""How much text a resident or a member of staff may send in one field."""

MAX_DESCRIPTION = 4000
MAX_NOTE = 4000
MAX_MEDIA_URLS = 10
