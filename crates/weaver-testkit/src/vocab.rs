//! Word lists and benign filler text shared by the workload families.
//!
//! The field values the tests and benchmarks query (statuses, currencies, tags …) are part
//! of the workloads' shape; the prose is filler. Non-ASCII names and sentences are mixed in
//! on purpose so byte-versus-character handling is exercised everywhere.

use crate::rng::Rng;

/// Lowercase ASCII given names for e-mail local parts (no name is a suffix of another).
pub(crate) const GIVEN: [&str; 30] = [
    "alice", "bruno", "carmen", "dmitri", "elena", "farid", "greta", "hiro", "ingrid", "jonas",
    "keiko", "liam", "marta", "nadia", "oscar", "paulo", "quinn", "rosa", "sven", "tomas",
    "ursula", "victor", "wanda", "xavier", "yusuf", "zara", "anders", "bianca", "cyrus",
    "delphine",
];

/// Lowercase ASCII family names for e-mail local parts.
pub(crate) const FAMILY: [&str; 28] = [
    "abbott",
    "baker",
    "castillo",
    "dimitrov",
    "eriksen",
    "fischer",
    "gallagher",
    "horvath",
    "iyer",
    "jansen",
    "kaur",
    "lindqvist",
    "moreau",
    "novak",
    "obrien",
    "petrov",
    "quintero",
    "rossi",
    "sato",
    "takahashi",
    "ueda",
    "vargas",
    "weber",
    "xu",
    "yamada",
    "zielinski",
    "haddad",
    "mensah",
];

/// Display names, with accents, other scripts and multi-byte characters.
pub(crate) const DISPLAY: [&str; 28] = [
    "Alice Abbott",
    "Bruno Baker",
    "Carmen Castillo",
    "Dmitri Dimitrov",
    "Elena Eriksen",
    "Farid Haddad",
    "Greta Fischer",
    "Hiro Sato",
    "Ingrid Lindqvist",
    "Jonas Jansen",
    "Keiko Yamada",
    "Liam O'Brien",
    "Marta Novak",
    "Nadia Mensah",
    "Oscar Vargas",
    "Renée Lefèvre",
    "Jürgen Weiß",
    "Agnieszka Wróbel",
    "Çağla Yıldız",
    "Þóra Jónsdóttir",
    "Trần Thị Hoa",
    "李小龍",
    "Σοφία Παπαδοπούλου",
    "Ольга Смирнова",
    "José Ñúñez",
    "Aoife Ní Bhriain",
    "Zoltán Kovács",
    "Amélie Côté",
];

/// Domains for planted e-mail addresses (all under reserved example names).
pub(crate) const MAIL_DOMAINS: [&str; 6] = [
    "example.com",
    "mail.example.net",
    "staff.example.org",
    "example.co.uk",
    "users.example.io",
    "example.fr",
];

/// Order statuses with their weights (the benches filter on `refunded`).
pub(crate) const STATUSES: [(&str, u32); 6] = [
    ("pending", 10),
    ("paid", 20),
    ("shipped", 25),
    ("delivered", 35),
    ("cancelled", 5),
    ("refunded", 5),
];

/// Currencies with their weights; `JPY` amounts are whole numbers.
pub(crate) const CURRENCIES: [(&str, u32); 4] =
    [("USD", 50), ("EUR", 25), ("GBP", 15), ("JPY", 10)];

/// Order channels.
pub(crate) const SOURCES: [&str; 5] = ["web", "ios", "android", "api", "pos"];

/// ISO country codes.
pub(crate) const COUNTRIES: [&str; 10] =
    ["US", "GB", "DE", "FR", "JP", "BR", "IN", "CA", "AU", "NL"];

/// Order and endpoint tags.
pub(crate) const TAGS: [&str; 9] = [
    "vip",
    "first-order",
    "promo",
    "bulk",
    "gift",
    "fragile",
    "express",
    "b2b",
    "repeat",
];

/// Service names for logs and the nested service map.
pub(crate) const SERVICES: [&str; 8] = [
    "orders",
    "payments",
    "auth",
    "search",
    "inventory",
    "gateway",
    "notifier",
    "billing",
];

/// HTTP methods, GET-heavy.
pub(crate) const METHODS: [(&str, u32); 5] = [
    ("GET", 3),
    ("POST", 1),
    ("PUT", 1),
    ("DELETE", 1),
    ("PATCH", 1),
];

/// Log levels of ordinary request lines.
pub(crate) const LEVELS: [(&str, u32); 4] =
    [("INFO", 70), ("DEBUG", 20), ("WARN", 7), ("ERROR", 3)];

/// Client user agents.
pub(crate) const AGENTS: [&str; 4] = [
    "Mozilla/5.0",
    "okhttp/4.12",
    "CFNetwork/1490",
    "python-requests/2.31",
];

/// Upstream failure messages for log lines.
pub(crate) const FAILURES: [&str; 6] = [
    "peer closed connection without sending a response",
    "deadline elapsed while waiting for upstream",
    "connection refused by remote host",
    "file descriptor limit reached",
    "handshake did not complete in time",
    "stream ended in the middle of a frame",
];

/// Sentences in other languages (non-ASCII), also used on their own by notification lines.
pub(crate) const FOREIGN: [&str; 3] = [
    "Bitte die Lieferung am Samstag zustellen, Tür ist hinten.",
    "Le colis doit être remis à l'accueil — merci !",
    "配達は午前中でお願いします。",
];

/// One benign order note sentence.
fn sentence(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write as _;
    let _ = match rng.below(16) {
        0 => write!(out, "Buyer asked for faster shipping."),
        1 => write!(out, "Parcel handed to the building concierge."),
        2 => write!(
            out,
            "Refund approved after a damage claim (case #{}).",
            rng.int(10_000, 99_999)
        ),
        3 => write!(out, "Address confirmed, waiting for the courier."),
        4 => write!(out, "Wrap as a present and add the greeting card."),
        5 => write!(
            out,
            "Courier delay reported for region {}.",
            rng.pick(&COUNTRIES)
        ),
        6 => write!(
            out,
            "Shipment tracking code 1Z{}.",
            rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16)
        ),
        7 => write!(out, "Evening delivery preferred."),
        8 => write!(
            out,
            "Out-of-stock item swapped for a similar one, buyer agreed."
        ),
        9 => write!(
            out,
            "Split delivery: {} of {} parcels left the warehouse.",
            rng.int(1, 9),
            rng.int(10, 20)
        ),
        10 => write!(
            out,
            "Returning-customer discount of {}% applied.",
            rng.pick(&[5, 10, 15, 20])
        ),
        11 => write!(
            out,
            "Merged with a duplicate order ORD-{}.",
            rng.string(b"0123456789ABCDEF", 8)
        ),
        12 => write!(
            out,
            "Card payment went through on attempt {}.",
            rng.int(1, 9)
        ),
        13 => write!(out, "Support says the buyer was friendly and patient."),
        _ => write!(out, "{}", rng.pick(&FOREIGN)),
    };
}

/// One to three benign sentences, space-separated.
pub(crate) fn benign_note(rng: &mut Rng) -> String {
    let n = rng.int(1, 3);
    let mut out = String::new();
    for k in 0..n {
        if k > 0 {
            out.push(' ');
        }
        sentence(rng, &mut out);
    }
    out
}
