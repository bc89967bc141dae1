"""Riverton, a believable mid-size demo city: its departments, services and attributes."""

from typing import Any

# The departments' public names as Spanish-speaking residents read them.
PUBLIC_NAMES_ES = {
    "contact-centre": "Riverton 3-1-1",
    "streets": "Calles y Vías",
    "sanitation": "Saneamiento",
    "parks": "Parques y Silvicultura",
    "water": "Agua de Riverton",
    "traffic": "Ingeniería de Tránsito",
    "code-enforcement": "Cumplimiento de Códigos",
    "licensing": "Licencias y Permisos",
    "animal-services": "Servicios de Animales",
    "police-non-emergency": "Policía de Riverton (no emergencias)",
    "intergovernmental": "Enlace de Riverton con las agencias del estado y del condado",
    "public-health": "Salud Pública",
}

YES_NO = [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]

# slug, name, public name, units (slug, name); the public name in Spanish is in PUBLIC_NAMES_ES
DEPARTMENTS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "contact-centre",
        "311 Contact Centre",
        "Riverton 3-1-1",
        [("triage-desk", "Triage desk"), ("routing-desk", "Supervisors' routing desk")],
    ),
    (
        "streets",
        "Streets and Roads",
        "Streets and Roads",
        [
            ("north-yard", "North yard"),
            ("south-yard", "South yard"),
            ("street-lighting", "Street lighting"),
        ],
    ),
    (
        "sanitation",
        "Sanitation",
        "Sanitation",
        [
            ("collection-east", "Collection east"),
            ("collection-west", "Collection west"),
            ("bulky-items", "Bulky items"),
            ("clean-city", "Clean city crew"),
        ],
    ),
    (
        "parks",
        "Parks and Forestry",
        "Parks and Forestry",
        [("forestry", "Forestry"), ("park-maintenance", "Park maintenance")],
    ),
    (
        "water",
        "Water Utility",
        "Riverton Water",
        [("distribution", "Distribution"), ("meters", "Meters")],
    ),
    (
        "traffic",
        "Traffic Engineering",
        "Traffic Engineering",
        [("signals", "Signals"), ("signs-markings", "Signs and markings")],
    ),
    (
        "code-enforcement",
        "Code Enforcement",
        "Code Enforcement",
        [("housing", "Housing"), ("property-maintenance", "Property maintenance")],
    ),
    (
        "licensing",
        "Licensing and Permits",
        "Licensing and Permits",
        [
            ("business-licences", "Business licences"),
            ("events", "Special events"),
            ("pet-licences", "Pet licences"),
        ],
    ),
    (
        "animal-services",
        "Animal Services",
        "Animal Services",
        [("field-officers", "Field officers"), ("shelter", "Shelter")],
    ),
    (
        "police-non-emergency",
        "Police Non-Emergency",
        "Riverton Police (non-emergency)",
        [
            ("parking-enforcement", "Parking enforcement"),
            ("community-officers", "Community officers"),
        ],
    ),
    (
        "intergovernmental",
        "Intergovernmental Liaison",
        "Riverton liaison to state and county agencies",
        [
            ("state-dot-liaison", "State DOT liaison"),
            ("county-parks-liaison", "County parks liaison"),
        ],
    ),
    (
        "public-health",
        "Public Health",
        "Public Health",
        [("environmental-health", "Environmental health")],
    ),
]

# code, name, group, department, target (value, unit), keywords, description, attributes
SERVICES: list[dict[str, Any]] = [
    {
        "code": "pothole",
        "name": "Pothole",
        "group": "Streets",
        "department": "streets",
        "target": (5, "working_days"),
        "keywords": ["pothole", "hole", "road", "pavement"],
        "description": "A hole or broken pavement in a street or alley.",
        "attributes": [
            {
                "code": "size",
                "description": "How big is it?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "small", "name": "Smaller than a dinner plate"},
                    {"key": "medium", "name": "About a car tyre"},
                    {"key": "large", "name": "Larger than a car tyre"},
                ],
            },
            {
                "code": "in_traffic_lane",
                "description": "Is it in a traffic lane?",
                "datatype": "singlevaluelist",
                "values": YES_NO,
            },
        ],
    },
    {
        "code": "streetlight-out",
        "name": "Streetlight out",
        "group": "Streets",
        "department": "streets",
        "target": (7, "working_days"),
        "keywords": ["streetlight", "light", "dark", "lamp"],
        "description": "A streetlight that is out, flickering or on during the day.",
        "attributes": [
            {
                "code": "pole_number",
                "description": "Pole number (on a tag on the pole), if visible",
                "datatype": "string",
            },
            {
                "code": "problem",
                "description": "What is wrong?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "out", "name": "Out"},
                    {"key": "flickering", "name": "Flickering"},
                    {"key": "day-burning", "name": "On during the day"},
                ],
            },
        ],
    },
    {
        "code": "sidewalk-damage",
        "name": "Sidewalk damage",
        "group": "Streets",
        "department": "streets",
        "target": (20, "working_days"),
        "keywords": ["sidewalk", "trip", "crack", "curb"],
        "description": "Broken, lifted or missing sidewalk.",
        "attributes": [],
    },
    {
        "code": "snow-ice",
        "name": "Snow or ice on a street",
        "group": "Streets",
        "department": "streets",
        "target": (24, "working_hours"),
        "keywords": ["snow", "ice", "plow", "slippery"],
        "description": "A street that needs plowing or salting.",
        "attributes": [],
    },
    {
        "code": "missed-trash",
        "name": "Missed trash pickup",
        "group": "Sanitation",
        "department": "sanitation",
        "target": (2, "working_days"),
        "keywords": ["trash", "garbage", "missed", "pickup", "cart"],
        "description": "Your cart was out on time and was not emptied.",
        "attributes": [
            {
                "code": "carts",
                "description": "Which carts were missed?",
                "datatype": "multivaluelist",
                "required": True,
                "values": [
                    {"key": "trash", "name": "Trash"},
                    {"key": "recycling", "name": "Recycling"},
                    {"key": "yard", "name": "Yard waste"},
                ],
            }
        ],
    },
    {
        "code": "bulky-item",
        "name": "Bulky item pickup",
        "group": "Sanitation",
        "department": "sanitation",
        "target": (10, "working_days"),
        "keywords": ["bulky", "couch", "mattress", "furniture", "appliance"],
        "description": "Schedule a pickup of furniture, mattresses or appliances.",
        "attributes": [
            {
                "code": "items",
                "description": "What needs picking up?",
                "datatype": "multivaluelist",
                "required": True,
                "values": [
                    {"key": "mattress", "name": "Mattress"},
                    {"key": "furniture", "name": "Furniture"},
                    {"key": "appliance", "name": "Appliance"},
                    {"key": "e-waste", "name": "Electronics"},
                ],
            },
            {
                "code": "item_count",
                "description": "How many items?",
                "datatype": "number",
                "required": True,
            },
        ],
    },
    {
        "code": "graffiti",
        "name": "Graffiti",
        "group": "Sanitation",
        "department": "sanitation",
        "target": (5, "working_days"),
        "keywords": ["graffiti", "tag", "paint", "vandalism"],
        "description": "Graffiti on public property or visible from the street.",
        "attributes": [
            {
                "code": "surface",
                "description": "What is it on?",
                "datatype": "singlevaluelist",
                "values": [
                    {"key": "wall", "name": "Wall"},
                    {"key": "sign", "name": "Sign or pole"},
                    {"key": "bridge", "name": "Bridge"},
                    {"key": "other", "name": "Other"},
                ],
            },
            {
                "code": "offensive",
                "description": "Is it offensive or hateful?",
                "datatype": "singlevaluelist",
                "values": YES_NO,
            },
        ],
    },
    {
        "code": "illegal-dumping",
        "name": "Illegal dumping",
        "group": "Sanitation",
        "department": "sanitation",
        "target": (5, "working_days"),
        "keywords": ["dumping", "dumped", "tires", "debris", "junk"],
        "description": "Trash or debris dumped on public property.",
        "attributes": [],
    },
    {
        "code": "missed-recycling",
        "name": "Missed recycling pickup",
        "group": "Sanitation",
        "department": "sanitation",
        "target": (2, "working_days"),
        "keywords": ["recycling", "missed"],
        "description": "Your recycling cart was out on time and was not emptied.",
        "attributes": [],
    },
    {
        "code": "tree-down",
        "name": "Tree or limb down",
        "group": "Parks and trees",
        "department": "parks",
        "target": (8, "working_hours"),
        "keywords": ["tree", "limb", "branch", "fallen", "storm"],
        "description": "A fallen tree or large limb on public property.",
        "attributes": [
            {
                "code": "blocking",
                "description": "Is it blocking anything?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "road", "name": "The road"},
                    {"key": "sidewalk", "name": "The sidewalk"},
                    {"key": "none", "name": "Nothing"},
                ],
            },
            {
                "code": "power_lines",
                "description": "Is it touching power lines?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": YES_NO,
            },
        ],
    },
    {
        "code": "tree-trimming",
        "name": "Tree trimming",
        "group": "Parks and trees",
        "department": "parks",
        "target": (30, "working_days"),
        "keywords": ["tree", "trim", "prune", "overhanging"],
        "description": "A street tree that needs trimming.",
        "attributes": [],
    },
    {
        "code": "park-maintenance",
        "name": "Park maintenance",
        "group": "Parks and trees",
        "department": "parks",
        "target": (10, "working_days"),
        "keywords": ["park", "playground", "bench", "field"],
        "description": "Broken equipment, litter or damage in a city park.",
        "attributes": [],
    },
    {
        "code": "water-leak",
        "name": "Water leak",
        "group": "Water",
        "department": "water",
        "target": (8, "working_hours"),
        "keywords": ["water", "leak", "main", "flooding", "hydrant"],
        "description": "Water leaking from a main, hydrant or service line.",
        "attributes": [
            {
                "code": "leak_location",
                "description": "Where is the water coming from?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [
                    {"key": "street", "name": "The street"},
                    {"key": "sidewalk", "name": "The sidewalk"},
                    {"key": "hydrant", "name": "A hydrant"},
                    {"key": "property", "name": "Near a property"},
                ],
            }
        ],
    },
    {
        "code": "water-meter",
        "name": "Water meter problem",
        "group": "Water",
        "department": "water",
        "target": (10, "working_days"),
        "keywords": ["meter", "bill", "reading"],
        "description": "A damaged water meter or a reading that looks wrong.",
        "attributes": [],
    },
    {
        "code": "storm-drain",
        "name": "Blocked storm drain",
        "group": "Water",
        "department": "water",
        "target": (3, "working_days"),
        "keywords": ["drain", "storm", "flooding", "catch basin"],
        "description": "A storm drain that is blocked or overflowing.",
        "attributes": [],
    },
    {
        "code": "traffic-signal-out",
        "name": "Traffic signal out",
        "group": "Traffic",
        "department": "traffic",
        "target": (4, "working_hours"),
        "keywords": ["signal", "traffic light", "stoplight", "flashing"],
        "description": "A traffic signal that is dark, flashing or stuck.",
        "attributes": [],
    },
    {
        "code": "damaged-sign",
        "name": "Damaged or missing street sign",
        "group": "Traffic",
        "department": "traffic",
        "target": (10, "working_days"),
        "keywords": ["sign", "stop sign", "missing"],
        "description": "A street, stop or warning sign that is damaged or missing.",
        "attributes": [],
    },
    {
        "code": "abandoned-vehicle",
        "name": "Abandoned vehicle",
        "group": "Vehicles and parking",
        "department": "police-non-emergency",
        "target": (10, "working_days"),
        "keywords": ["abandoned", "car", "vehicle", "parked"],
        "description": "A vehicle left on a public street for more than 72 hours.",
        "attributes": [
            {"code": "plate", "description": "Licence plate, if visible", "datatype": "string"},
            {"code": "make_model", "description": "Make, model and colour", "datatype": "string"},
            {
                "code": "days_parked",
                "description": "About how many days has it been there?",
                "datatype": "number",
            },
        ],
    },
    {
        "code": "parking-violation",
        "name": "Parking violation",
        "group": "Vehicles and parking",
        "department": "police-non-emergency",
        "target": (4, "working_hours"),
        "keywords": ["parking", "blocked", "driveway", "hydrant"],
        "description": "A vehicle blocking a driveway, hydrant or crossing.",
        "attributes": [],
    },
    {
        "code": "noise",
        "name": "Noise complaint",
        "group": "Neighbourhood",
        "department": "code-enforcement",
        "target": (2, "working_days"),
        "keywords": ["noise", "loud", "music", "party", "construction"],
        "description": "Loud music, parties or construction outside permitted hours.",
        "attributes": [
            {
                "code": "noise_type",
                "description": "What kind of noise?",
                "datatype": "singlevaluelist",
                "values": [
                    {"key": "music", "name": "Music or party"},
                    {"key": "construction", "name": "Construction"},
                    {"key": "vehicle", "name": "Vehicle"},
                    {"key": "other", "name": "Other"},
                ],
            }
        ],
    },
    {
        "code": "overgrown-lot",
        "name": "Overgrown lot or weeds",
        "group": "Neighbourhood",
        "department": "code-enforcement",
        "target": (15, "working_days"),
        "keywords": ["weeds", "grass", "overgrown", "lot"],
        "description": "Grass or weeds over 8 inches on private property.",
        "attributes": [],
    },
    {
        "code": "housing-conditions",
        "name": "Housing conditions",
        "group": "Neighbourhood",
        "department": "code-enforcement",
        "target": (10, "working_days"),
        "keywords": ["heat", "mold", "landlord", "repairs", "rental"],
        "description": "Unsafe or unhealthy conditions in a rental home.",
        "attributes": [],
    },
    {
        "code": "rodents",
        "name": "Rats or mice",
        "group": "Neighbourhood",
        "department": "public-health",
        "target": (10, "working_days"),
        "keywords": ["rats", "mice", "rodents", "pests"],
        "description": "Rodents seen outdoors on public or private property.",
        "attributes": [],
    },
    {
        "code": "dead-animal",
        "name": "Dead animal removal",
        "group": "Animals",
        "department": "animal-services",
        "target": (1, "working_days"),
        "keywords": ["dead", "animal", "deer", "roadkill"],
        "description": "A dead animal on a street or public property.",
        "attributes": [],
    },
    {
        "code": "stray-dog",
        "name": "Stray or loose dog",
        "group": "Animals",
        "department": "animal-services",
        "target": (4, "working_hours"),
        "keywords": ["dog", "stray", "loose", "barking"],
        "description": "A dog running loose.",
        "attributes": [],
    },
    {
        "code": "business-licence",
        "name": "Business licence",
        "group": "Licences and permits",
        "department": "licensing",
        "target": (15, "working_days"),
        "keywords": ["business", "licence", "license", "shop"],
        "description": "Apply for or renew a business licence.",
        "type": "batch",
        "attributes": [],
    },
    {
        "code": "dog-licence",
        "name": "Dog licence",
        "group": "Licences and permits",
        "department": "licensing",
        "target": (10, "working_days"),
        "keywords": ["dog", "licence", "license", "tag"],
        "description": "License your dog (required for dogs over 5 months).",
        "type": "batch",
        "attributes": [
            {
                "code": "dog_name",
                "description": "Your dog's name",
                "datatype": "string",
                "required": True,
            },
            {
                "code": "rabies_vaccinated",
                "description": "Is your dog vaccinated against rabies?",
                "datatype": "singlevaluelist",
                "required": True,
                "values": YES_NO,
            },
        ],
    },
    {
        "code": "special-event-permit",
        "name": "Special event permit",
        "group": "Licences and permits",
        "department": "licensing",
        "target": (20, "working_days"),
        "keywords": ["event", "block party", "festival", "permit"],
        "description": "Permit for a block party, festival or event on public property.",
        "type": "batch",
        "attributes": [
            {
                "code": "event_date",
                "description": "When is the event?",
                "datatype": "datetime",
                "required": True,
            },
            {
                "code": "expected_attendance",
                "description": "How many people do you expect?",
                "datatype": "number",
                "required": True,
            },
        ],
    },
    {
        "code": "other",
        "name": "Something else",
        "group": "Other",
        "department": None,
        "target": (3, "working_days"),
        "keywords": [],
        "description": "Anything else: a 3-1-1 agent will find the right department.",
        "attributes": [],
    },
]

# username, role, departments, first, last
DEMO_USERS: list[tuple[str, str, list[str], str, str]] = [
    ("admin", "admin", [], "Alex", "Admin"),
    ("agent", "agent", ["contact-centre"], "Rosa", "Delgado"),
    ("streets", "department_staff", ["streets"], "Sam", "Okafor"),
    ("sanitation", "department_staff", ["sanitation"], "Lee", "Nguyen"),
    ("supervisor", "supervisor", ["streets", "sanitation", "contact-centre"], "Pat", "Kowalski"),
    ("qa", "qa_reviewer", [], "Jordan", "Reyes"),
    ("qa-admin", "qa_admin", [], "Morgan", "Ellis"),
]
DEMO_PASSWORD = "riverton-demo"  # noqa: S105 - published demo login, refused in production

_STATE_ROAD_SERVICES = [
    "pothole",
    "streetlight-out",
    "sidewalk-damage",
    "snow-ice",
    "traffic-signal-out",
    "damaged-sign",
]
_COUNTY_PARK_SERVICES = ["tree-down", "tree-trimming", "park-maintenance", "illegal-dumping"]
_DISTRICTS = range(1, 7)

# Routing rules written by the city, in the RULES.json format (see routing/README.md).
DEMO_ROUTING_RULES: list[dict[str, Any]] = [
    *(
        {
            "id": f"state-highway:{code}",
            "when": {"service": code, "area:state-highway": "State Highway 30 corridor"},
            "department": "intergovernmental",
            "unit": "state-dot-liaison",
            "note": "The state DOT owns this road; our liaison passes it on and follows it up.",
        }
        for code in _STATE_ROAD_SERVICES
    ),
    *(
        {
            "id": f"county-park:{code}",
            "when": {"service": code, "area:county-park": "Heron Marsh County Park"},
            "department": "intergovernmental",
            "unit": "county-parks-liaison",
            "note": "The county runs this park; our liaison passes it on and follows it up.",
        }
        for code in _COUNTY_PARK_SERVICES
    ),
    {
        "id": "noise-after-hours",
        "when": {"service": "noise", "after_hours": "yes"},
        "department": "police-non-emergency",
        "unit": "community-officers",
        "note": "Code Enforcement is closed at night; community officers respond.",
    },
    *(
        {
            "id": f"streets-district-{n}",
            "scope": "unit",
            "when": {"department": "streets", "area:council-district": f"Council District {n}"},
            "department": "streets",
            "unit": "south-yard" if n <= 3 else "north-yard",
        }
        for n in _DISTRICTS
    ),
    {
        "id": "streets-lighting",
        "scope": "unit",
        "when": {"department": "streets", "service": "streetlight-out"},
        "department": "streets",
        "unit": "street-lighting",
        "priority": 1010,
    },
    *(
        {
            "id": f"sanitation-district-{n}",
            "scope": "unit",
            "when": {
                "department": "sanitation",
                "area:council-district": f"Council District {n}",
            },
            "department": "sanitation",
            "unit": "collection-west" if n in (1, 4) else "collection-east",
        }
        for n in _DISTRICTS
    ),
    {
        "id": "sanitation-bulky",
        "scope": "unit",
        "when": {"department": "sanitation", "service": "bulky-item"},
        "department": "sanitation",
        "unit": "bulky-items",
        "priority": 1010,
    },
]

# Shown only to the block on public maps and lists: a point could name a household.
SENSITIVE_SERVICES = {"housing-conditions", "noise", "rodents"}
# A licence, permit or scheduled pickup needs someone to answer: no anonymous reports.
CONTACT_REQUIRED_SERVICES = {
    "business-licence",
    "dog-licence",
    "special-event-permit",
    "bulky-item",
}

SI_NO = {"yes": "Sí", "no": "No"}

# Spanish for the residents' site: service name, description, group, and each question with
# its answers ({code: (question, {key: answer})}).
SPANISH: dict[str, dict[str, Any]] = {
    "pothole": {
        "name": "Bache",
        "description": "Un hoyo o pavimento roto en una calle o callejón.",
        "attributes": {
            "size": (
                "¿Qué tan grande es?",
                {
                    "small": "Más pequeño que un plato",
                    "medium": "Como una llanta de auto",
                    "large": "Más grande que una llanta de auto",
                },
            ),
            "in_traffic_lane": ("¿Está en un carril de tráfico?", SI_NO),
        },
    },
    "streetlight-out": {
        "name": "Farola apagada",
        "description": "Una farola apagada, que parpadea o que está encendida de día.",
        "attributes": {
            "pole_number": ("Número del poste (en una placa del poste), si se ve", {}),
            "problem": (
                "¿Qué pasa?",
                {"out": "Apagada", "flickering": "Parpadea", "day-burning": "Encendida de día"},
            ),
        },
    },
    "sidewalk-damage": {
        "name": "Acera dañada",
        "description": "Acera rota, levantada o que falta.",
    },
    "snow-ice": {
        "name": "Nieve o hielo en una calle",
        "description": "Una calle que necesita quitanieves o sal.",
    },
    "missed-trash": {
        "name": "Basura no recogida",
        "description": "Su contenedor estaba afuera a tiempo y no se vació.",
        "attributes": {
            "carts": (
                "¿Qué contenedores no se recogieron?",
                {"trash": "Basura", "recycling": "Reciclaje", "yard": "Desechos de jardín"},
            )
        },
    },
    "bulky-item": {
        "name": "Recogida de objetos grandes",
        "description": "Programe la recogida de muebles, colchones o electrodomésticos.",
        "attributes": {
            "items": (
                "¿Qué hay que recoger?",
                {
                    "mattress": "Colchón",
                    "furniture": "Muebles",
                    "appliance": "Electrodoméstico",
                    "e-waste": "Aparatos electrónicos",
                },
            ),
            "item_count": ("¿Cuántos objetos?", {}),
        },
    },
    "graffiti": {
        "name": "Grafiti",
        "description": "Grafiti en propiedad pública o visible desde la calle.",
        "attributes": {
            "surface": (
                "¿Dónde está?",
                {"wall": "Pared", "sign": "Señal o poste", "bridge": "Puente", "other": "Otro"},
            ),
            "offensive": ("¿Es ofensivo o de odio?", SI_NO),
        },
    },
    "illegal-dumping": {
        "name": "Vertido ilegal",
        "description": "Basura o escombros tirados en propiedad pública.",
    },
    "missed-recycling": {
        "name": "Reciclaje no recogido",
        "description": "Su contenedor de reciclaje estaba afuera a tiempo y no se vació.",
    },
    "tree-down": {
        "name": "Árbol o rama caída",
        "description": "Un árbol caído o una rama grande en propiedad pública.",
        "attributes": {
            "blocking": (
                "¿Está bloqueando algo?",
                {"road": "La calle", "sidewalk": "La acera", "none": "Nada"},
            ),
            "power_lines": ("¿Toca cables eléctricos?", SI_NO),
        },
    },
    "tree-trimming": {
        "name": "Poda de árboles",
        "description": "Un árbol de la calle que necesita poda.",
    },
    "park-maintenance": {
        "name": "Mantenimiento de parques",
        "description": "Equipos rotos, basura o daños en un parque de la ciudad.",
    },
    "water-leak": {
        "name": "Fuga de agua",
        "description": "Agua que sale de una tubería principal, un hidrante o una acometida.",
        "attributes": {
            "leak_location": (
                "¿De dónde sale el agua?",
                {
                    "street": "La calle",
                    "sidewalk": "La acera",
                    "hydrant": "Un hidrante",
                    "property": "Cerca de una propiedad",
                },
            )
        },
    },
    "water-meter": {
        "name": "Problema con el medidor de agua",
        "description": "Un medidor de agua dañado o una lectura que parece incorrecta.",
    },
    "storm-drain": {
        "name": "Desagüe pluvial tapado",
        "description": "Un desagüe pluvial tapado o desbordado.",
    },
    "traffic-signal-out": {
        "name": "Semáforo apagado",
        "description": "Un semáforo apagado, intermitente o atascado.",
    },
    "damaged-sign": {
        "name": "Señal de tráfico dañada o ausente",
        "description": "Una señal de calle, de alto o de advertencia dañada o ausente.",
    },
    "abandoned-vehicle": {
        "name": "Vehículo abandonado",
        "description": "Un vehículo dejado en una calle pública por más de 72 horas.",
        "attributes": {
            "plate": ("Placa, si se ve", {}),
            "make_model": ("Marca, modelo y color", {}),
            "days_parked": ("¿Más o menos cuántos días lleva ahí?", {}),
        },
    },
    "parking-violation": {
        "name": "Infracción de estacionamiento",
        "description": "Un vehículo que bloquea una entrada, un hidrante o un cruce.",
    },
    "noise": {
        "name": "Queja por ruido",
        "description": "Música alta, fiestas u obras fuera del horario permitido.",
        "attributes": {
            "noise_type": (
                "¿Qué tipo de ruido?",
                {
                    "music": "Música o fiesta",
                    "construction": "Obras",
                    "vehicle": "Vehículo",
                    "other": "Otro",
                },
            )
        },
    },
    "overgrown-lot": {
        "name": "Terreno con maleza",
        "description": "Césped o maleza de más de 8 pulgadas en una propiedad privada.",
    },
    "housing-conditions": {
        "name": "Condiciones de la vivienda",
        "description": "Condiciones inseguras o insalubres en una vivienda de alquiler.",
    },
    "rodents": {
        "name": "Ratas o ratones",
        "description": "Roedores vistos al aire libre en propiedad pública o privada.",
    },
    "dead-animal": {
        "name": "Retiro de animal muerto",
        "description": "Un animal muerto en una calle o propiedad pública.",
    },
    "stray-dog": {"name": "Perro suelto", "description": "Un perro suelto."},
    "business-licence": {
        "name": "Licencia comercial",
        "description": "Solicite o renueve una licencia comercial.",
    },
    "dog-licence": {
        "name": "Licencia para perros",
        "description": "Registre a su perro (obligatorio para perros de más de 5 meses).",
        "attributes": {
            "dog_name": ("El nombre de su perro", {}),
            "rabies_vaccinated": ("¿Está su perro vacunado contra la rabia?", SI_NO),
        },
    },
    "special-event-permit": {
        "name": "Permiso para eventos especiales",
        "description": (
            "Permiso para una fiesta de cuadra, un festival o un evento en propiedad pública."
        ),
        "attributes": {
            "event_date": ("¿Cuándo es el evento?", {}),
            "expected_attendance": ("¿Cuántas personas espera?", {}),
        },
    },
    "other": {
        "name": "Otra cosa",
        "description": (
            "Cualquier otra cosa: un agente del 3-1-1 encontrará el departamento correcto."
        ),
    },
}

SPANISH_GROUPS = {
    "Streets": "Calles",
    "Sanitation": "Limpieza y basura",
    "Parks and trees": "Parques y árboles",
    "Water": "Agua",
    "Traffic": "Tráfico",
    "Vehicles and parking": "Vehículos y estacionamiento",
    "Neighbourhood": "Vecindario",
    "Animals": "Animales",
    "Licences and permits": "Licencias y permisos",
    "Other": "Otros",
}
