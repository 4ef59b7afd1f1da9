"""Configuration and fixed vocabularies of the synthetic world."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VENDOR_NAME = "Quotient"
VENDOR_DOMAIN = "quotienthq.com"
SITE = "https://" + VENDOR_DOMAIN


@dataclass(frozen=True)
class WorldConfig:
    """Everything that decides a world. Same config -> byte-identical output."""

    accounts: int = 200
    seed: int = 7
    out: Path = Path("data/raw")
    truth: Path = Path("data/truth")
    format: str = "parquet"
    end_date: dt.date = dt.date(2026, 11, 15)
    weeks: int = 52
    bot_share: float = 0.35
    dirt: float = 0.01
    quiet: bool = False
    force: bool = False
    chunk_size: int = 2000
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.accounts < 10:
            raise ValueError("accounts must be at least 10")
        if self.format not in ("parquet", "csv"):
            raise ValueError("format must be parquet or csv")
        if not 0.0 <= self.bot_share < 0.9:
            raise ValueError("bot_share must be in [0, 0.9)")
        if not 0.0 <= self.dirt <= 0.2:
            raise ValueError("dirt must be in [0, 0.2]")
        if not 4 <= self.weeks <= 260:
            raise ValueError("weeks must be in [4, 260]")

    @property
    def last_monday(self) -> dt.date:
        return self.end_date - dt.timedelta(days=self.end_date.weekday())

    @property
    def first_monday(self) -> dt.date:
        return self.last_monday - dt.timedelta(weeks=self.weeks - 1)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["out"] = str(self.out)
        data["truth"] = str(self.truth)
        data["end_date"] = self.end_date.isoformat()
        return data


# --- market definition -------------------------------------------------------------------------

ICP_INDUSTRIES = [
    "Software",
    "Financial Services",
    "Healthcare Technology",
    "Professional Services",
]
POOR_INDUSTRIES = [
    "Retail",
    "Manufacturing",
    "Education",
    "Government",
    "Hospitality",
    "Construction",
]
ICP_COUNTRIES = ["United States", "United Kingdom", "Germany", "Canada", "Netherlands"]
ICP_COUNTRY_WEIGHTS = [0.55, 0.15, 0.12, 0.1, 0.08]
POOR_COUNTRIES = ["Brazil", "India", "Japan", "Spain", "Mexico", "Poland"]

COMPETITORS = [
    ("Cadencly", "cadencly.com"),
    ("Outreachly", "outreachly.io"),
    ("Pipelane", "pipelane.com"),
]
FREE_MAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"]
EDU_DOMAINS = [
    "stateu.edu",
    "northbridge.edu",
    "lakeside.edu",
    "ox-city.ac.uk",
    "glenmoor.ac.uk",
    "riverton.edu",
]

SALES_REPS = [f"0055g00000Rep{i:02d}AAA" for i in range(1, 9)]

# --- people ------------------------------------------------------------------------------------

PERSONA_TITLES: dict[str, list[str]] = {
    "decision_maker": [
        "VP Sales",
        "CRO",
        "Head of Revenue Operations",
        "Chief Revenue Officer",
        "VP of Sales",
    ],
    "champion": [
        "Sales Operations Manager",
        "RevOps Manager",
        "Director of Sales Development",
    ],
    "influencer": ["Sales Enablement Lead", "Marketing Ops Manager"],
    "user": ["SDR", "Account Executive", "BDR"],
    "not_relevant": ["Intern", "Office Manager", "Software Engineer"],
}
PERSONAS = list(PERSONA_TITLES)
PERSONA_WEIGHTS = [0.1, 0.15, 0.15, 0.35, 0.25]

FIRST_NAMES = [
    "Jane",
    "John",
    "Maria",
    "Ahmed",
    "Wei",
    "Olga",
    "Lucas",
    "Emma",
    "Noah",
    "Priya",
    "Diego",
    "Sara",
    "Tom",
    "Aisha",
    "Liam",
    "Mia",
    "Omar",
    "Chloe",
    "Ravi",
    "Hana",
    "Jonas",
    "Lea",
    "Mateo",
    "Nina",
    "Felix",
    "Zoe",
    "Ivan",
    "Grace",
    "Kenji",
    "Amara",
    "Paul",
    "Elena",
    "Sam",
    "Julia",
    "Marco",
    "Fatima",
    "Ben",
    "Yuki",
    "Carlos",
    "Ingrid",
]
LAST_NAMES = [
    "Doe",
    "Smith",
    "Garcia",
    "Khan",
    "Chen",
    "Ivanova",
    "Muller",
    "Brown",
    "Jones",
    "Patel",
    "Lopez",
    "Berg",
    "Wilson",
    "Okafor",
    "Kim",
    "Rossi",
    "Novak",
    "Dubois",
    "Sato",
    "Schmidt",
    "Nguyen",
    "Haddad",
    "Costa",
    "Larsen",
    "Murphy",
    "Silva",
    "Fischer",
    "Tanaka",
    "Reyes",
    "Cohen",
    "Ward",
    "Moreau",
    "Park",
    "Singh",
    "Weber",
    "Adams",
    "Bauer",
    "Hughes",
    "Lindqvist",
    "Baker",
]

NAME_PARTS_A = [
    "Acme",
    "Blue",
    "North",
    "Bright",
    "Core",
    "Delta",
    "Ever",
    "Forge",
    "Green",
    "High",
    "Iron",
    "Key",
    "Lumen",
    "Meta",
    "Nova",
    "Open",
    "Prime",
    "Quant",
    "Red",
    "Silver",
    "Terra",
    "Uni",
    "Vertex",
    "Wave",
    "Apex",
    "Bold",
    "Clear",
    "Deep",
    "Echo",
    "Fair",
    "Gold",
    "Harbor",
    "Insight",
    "Jade",
    "Kite",
    "Lake",
    "Maple",
    "Nimbus",
    "Orbit",
]
NAME_PARTS_B = [
    "stone",
    "field",
    "point",
    "line",
    "bridge",
    "path",
    "gate",
    "works",
    "wise",
    "ridge",
    "flow",
    "mark",
    "base",
    "light",
    "sphere",
    "port",
    "grid",
    "peak",
    "scale",
    "shift",
    "leaf",
    "tree",
    "wind",
    "cloud",
    "river",
    "star",
    "rock",
    "hill",
    "forge",
    "bay",
    "yard",
    "view",
    "wave",
    "nest",
    "craft",
    "cube",
    "loop",
    "vale",
    "ford",
]
NAME_SUFFIXES = [
    "Systems",
    "Labs",
    "Group",
    "Technologies",
    "Partners",
    "Inc",
    "Software",
    "Solutions",
    "Health",
    "Capital",
]

# --- content, signals ----------------------------------------------------------------------------

BUYING_PATHS = [
    "/pricing",
    "/compare/quotient-vs-outreachly",
    "/vs/cadencly",
    "/alternatives/pipelane",
    "/docs/integrations/salesforce",
]
ENGAGEMENT_PATHS = [
    "/",
    "/product",
    "/customers",
    "/blog/cold-email-benchmarks-2026",
    "/blog/sales-cadence-playbook",
    "/blog/revops-metrics-that-matter",
    "/blog/sdr-ramp-time",
    "/blog/multithreading-deals",
    "/blog/ai-in-sales-engagement",
    "/webinars",
    "/resources/ebooks",
    "/careers",
    "/about",
]
HAND_RAISE_FORMS = ["Request a Demo", "Contact Sales", "Talk to Sales", "Pricing Inquiry"]
COMPETITIVE_FORM = "Competitive Comparison Guide"
EBOOK_FORMS = [
    "Download Ebook: The Modern SDR Playbook",
    "Download Ebook: State of Sales Engagement 2026",
    "Download Ebook: RevOps Metrics Handbook",
    "Newsletter Signup",
    "Webinar Registration",
]
BOMBORA_TOPICS = ["Sales Engagement", "Revenue Intelligence", "Sales Automation"]
BOMBORA_NOISE_TOPICS = ["Cloud Computing", "Customer Experience", "Data Privacy"]
G2_BUYING_SIGNALS = ["pricing", "compare", "alternatives"]
G2_NOISE_SIGNALS = ["profile", "category", "reviews", "sponsored_content"]
G2_PRODUCTS = ["Quotient", "Cadencly", "Outreachly", "Pipelane"]

LEAD_SOURCES = [
    "Web",
    "Referral",
    "Partner",
    "Customer Referral",
    "Event",
    "Paid Search",
    "Content",
]
REJECTION_REASONS = [
    "no_budget",
    "bad_timing",
    "not_decision_maker",
    "poor_fit",
    "student_or_competitor",
    "bad_data",
    "no_response",
]
SPEND_CHANNELS = ["Paid Search", "Paid Social", "Events", "Content Syndication", "Email"]

# --- user agents -----------------------------------------------------------------------------

HUMAN_BROWSER_UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
]
HUMAN_MAIL_UAS = [
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148",
] + HUMAN_BROWSER_UAS
GMAIL_PROXY_UA = HUMAN_MAIL_UAS[1]
APPLE_MPP_UA = "Mozilla/5.0"
SCANNER_UAS = [
    "Mozilla/5.0 (compatible; Barracuda Sentinel)",
    "Mimecast-LinkScanner/1.0",
    "Proofpoint URL Defense",
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0) SafeLinks",
]
LINK_CHECKER_UAS = ["LinkChecker/10.2", "Mozilla/5.0 (compatible; Cloudflare-LinkCheck/1.0)"]
PAGE_BOT_UAS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "python-requests/2.32.3",
    "curl/8.5.0",
]
PAGE_BOT_KINDS = ["crawler", "crawler", "crawler", "headless", "script", "script"]

RAW_TABLES: dict[str, list[str]] = {
    "salesforce": [
        "account",
        "contact",
        "lead",
        "opportunity",
        "opportunity_contact_role",
        "task",
        "event",
        "campaign",
        "campaign_member",
    ],
    "marketo": [
        "lead",
        "activity_send_email",
        "activity_email_delivered",
        "activity_open_email",
        "activity_click_email",
        "activity_fill_out_form",
    ],
    "segment": ["pages", "identifies", "ip_companies"],
    "g2": ["buyer_intent"],
    "marketing": ["spend"],
    "bombora": ["surge"],
}
