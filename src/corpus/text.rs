//! Deterministic pseudo-random news text: names, headlines, sentences, paragraphs.

/// SplitMix64: small, fast and fully determined by its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A number in `0..n`, small ones far more often (popular entities).
    pub fn skewed(&mut self, n: usize) -> usize {
        let r = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((r * r * r) * n as f64) as usize % n
    }
}

#[rustfmt::skip]
pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Bogdan", "Chen", "Dina", "Emil", "Farida", "Goran", "Hana", "Ivan", "Jana",
    "Kamal", "Lena", "Marek", "Nadia", "Oleg", "Priya", "Rustam", "Sofia", "Timur", "Ulla",
    "Viktor", "Wei", "Yasmin", "Zoran", "Aida", "Boris", "Carmen", "Dmitri", "Elena", "Felix",
];
#[rustfmt::skip]
pub const LAST_NAMES: &[&str] = &[
    "Okafor", "Marković", "Liang", "Haddad", "Novak", "Karimova", "Petrov", "Silva", "Tanaka",
    "Weber", "Yilmaz", "Zhang", "Abenov", "Bauer", "Costa", "Duarte", "Eriksen", "Fischer",
    "Gomez", "Horvat", "Ismailov", "Jensen", "Kowalski", "Larsen", "Moreau", "Nazarov",
];
#[rustfmt::skip]
pub const COUNTRIES: &[&str] = &[
    "Armenia", "Austria", "Azerbaijan", "Bolivia", "Chile", "Egypt", "Estonia", "Ethiopia",
    "Finland", "Georgia", "Ghana", "Hungary", "Indonesia", "Jordan", "Kenya", "Kyrgyzstan",
    "Latvia", "Malaysia", "Mongolia", "Morocco", "Nepal", "Norway", "Oman", "Peru", "Portugal",
    "Qatar", "Senegal", "Serbia", "Slovenia", "Tajikistan", "Tunisia", "Uruguay", "Uzbekistan",
    "Vietnam", "Zambia",
];
#[rustfmt::skip]
pub const CITIES: &[&str] = &[
    "Almaty", "Baku", "Cairo", "Doha", "Geneva", "Hanoi", "Jakarta", "Lima", "Lisbon",
    "Nairobi", "Oslo", "Riga", "Samarkand", "Tashkent", "Tbilisi", "Tunis", "Vienna", "Yerevan",
];
#[rustfmt::skip]
pub const VENUES: &[&str] = &[
    "Palace of Congresses", "Conference Centre", "Government House", "Grand Hall",
    "Foreign Ministry", "Expo Centre",
];
#[rustfmt::skip]
pub const ORG_WORDS: &[&str] = &[
    "Economic", "Regional", "Energy", "Trade", "Security", "Development", "Transport", "Water",
    "Agricultural", "Digital",
];
#[rustfmt::skip]
pub const ORG_KINDS: &[&str] = &["Council", "Union", "Forum", "Bank", "Agency", "Commission"];
#[rustfmt::skip]
pub const TITLES: &[&str] = &[
    "President", "Prime Minister", "Foreign Minister", "Minister of Economy",
    "Secretary-General", "Ambassador", "Deputy Prime Minister", "Trade Envoy",
];
#[rustfmt::skip]
pub const TOPICS: &[&str] = &[
    "Trade", "Energy security", "Food security", "Transport corridors", "Climate",
    "Water resources", "Digital economy", "Regional security", "Investment", "Healthcare",
    "Education", "Tourism", "Agriculture", "Finance", "Culture", "Migration", "Science",
    "Industry", "Logistics", "Space",
];

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "talks", "agreement", "delegation", "cooperation", "partnership", "summit", "meeting",
    "economy", "trade", "investment", "project", "region", "government", "minister", "leaders",
    "relations", "initiative", "development", "market", "growth", "security", "infrastructure",
    "corridor", "energy", "agenda", "proposal", "negotiations", "countries", "industry",
    "exports", "imports", "sanctions", "reform", "budget", "strategy", "memorandum",
    "consultations", "road map", "railway", "pipeline", "grain", "fertilizer",
];
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "discussed", "signed", "reviewed", "welcomed", "supported", "announced", "agreed on",
    "stressed", "proposed", "outlined", "praised", "called for", "examined", "expanded",
    "confirmed", "noted", "addressed", "approved", "prepared", "strengthened",
];
#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "bilateral", "regional", "strategic", "economic", "joint", "new", "long-term", "mutual",
    "important", "practical", "comprehensive", "international", "sustainable", "key", "further",
    "reliable", "open", "productive",
];
#[rustfmt::skip]
const LINKS: &[&str] = &[
    "and", "with", "for", "in", "on", "during", "after", "between", "to", "of", "within",
    "through", "under",
];
#[rustfmt::skip]
const ADVERBS: &[&str] = &["also", "today", "again", "jointly", "recently", "firmly"];

/// Words a document must not contain except where placed on purpose.
pub const MARKER: &str = "harbour";

/// One sentence of 8 to 22 words, capitalized, ending with a full stop.
pub fn sentence(rng: &mut Rng, out: &mut String) {
    let start = out.len();
    out.push_str("The ");
    out.push_str(rng.pick(ADJECTIVES));
    out.push(' ');
    out.push_str(rng.pick(NOUNS));
    for _ in 0..rng.range(2, 5) {
        out.push(' ');
        match rng.below(5) {
            0 => out.push_str(rng.pick(ADVERBS)),
            1 | 2 => out.push_str(rng.pick(VERBS)),
            _ => out.push_str(rng.pick(LINKS)),
        }
        out.push_str(" the ");
        if rng.chance(0.5) {
            out.push_str(rng.pick(ADJECTIVES));
            out.push(' ');
        }
        out.push_str(rng.pick(NOUNS));
    }
    if rng.chance(0.3) {
        out.push_str(" in ");
        out.push_str(rng.pick(CITIES));
    }
    out.push('.');
    if start < out.len() {
        out.push(' ');
    }
}

/// A paragraph of `lo..=hi` sentences.
pub fn paragraph(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let mut text = String::with_capacity(600);
    for _ in 0..rng.range(lo, hi) {
        sentence(rng, &mut text);
    }
    text.truncate(text.trim_end().len());
    text
}

/// A headline of a few words, capitalized.
pub fn headline(rng: &mut Rng, subject: &str, place: &str) -> String {
    format!(
        "{subject} {} {} {} in {place}",
        rng.pick(VERBS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS)
    )
}

/// `Some Words` → `some-words`, for ids.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}
