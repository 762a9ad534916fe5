//! The capability registry: what tools exist, how risky they are, which driver runs them.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{KernelError, short};

/// How much a capability can change the world. Drives the default policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SafetyClass {
    /// Reads only (the default).
    #[default]
    Read,
    /// Changes data: needs `writer` or `admin` and a justification.
    Write,
    /// Destroys data: needs `admin` and a justification.
    Destructive,
}

impl SafetyClass {
    /// `read`, `write` or `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyClass::Read => "read",
            SafetyClass::Write => "write",
            SafetyClass::Destructive => "destructive",
        }
    }
}

/// What kind of sensitive data a capability returns. Drives the policy only: redaction is
/// unconditional whatever the tag.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Nothing special (the default).
    #[default]
    None,
    /// Personal data: needs a `tenant` attribute; results are projected to
    /// `allowed_fields` unless the caller is a `pii_reader`.
    Pii,
    /// Payment card data: as PII.
    Pci,
    /// Secrets: needs `admin` or `secrets_reader` and a justification.
    Secrets,
}

/// One tool the kernel can run.
///
/// ```
/// use weaver_kernel::{Capability, SafetyClass, Sensitivity};
/// let cap = Capability::new("billing.list_invoices")
///     .describe("List invoices", "All invoices of the tenant with amounts and status")
///     .safety(SafetyClass::Read)
///     .sensitivity(Sensitivity::Pii)
///     .allowed_fields(["id", "amount", "status"])
///     .route(["billing-db", "billing-cache"])
///     .tags(["billing", "invoices"]);
/// assert_eq!(cap.route, ["billing-db", "billing-cache"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Capability {
    /// Unique, dot-namespaced id (`billing.list_invoices`).
    pub id: String,
    /// Short human name.
    pub name: String,
    /// What it does (searched by [`Registry::request_capabilities`]).
    pub description: String,
    /// How risky it is.
    pub safety: SafetyClass,
    /// What sensitive data it returns.
    pub sensitivity: Sensitivity,
    /// The projection PII/PCI grants get (the only fields a non-`pii_reader` sees).
    pub allowed_fields: Vec<String>,
    /// Driver ids to try in order (fallback chain); empty: the kernel's default route.
    pub route: Vec<String>,
    /// The driver operation; `None`: the capability id (an `operation` argument wins).
    pub operation: Option<String>,
    /// Search keywords.
    pub tags: Vec<String>,
}

impl Capability {
    /// A READ capability with no sensitivity, named after its id.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        Capability {
            name: id.clone(),
            id,
            ..Capability::default()
        }
    }

    /// Sets name and description.
    pub fn describe(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.name = name.into();
        self.description = description.into();
        self
    }

    /// Sets the safety class.
    pub fn safety(mut self, safety: SafetyClass) -> Self {
        self.safety = safety;
        self
    }

    /// Sets the sensitivity.
    pub fn sensitivity(mut self, sensitivity: Sensitivity) -> Self {
        self.sensitivity = sensitivity;
        self
    }

    /// Sets the projection for PII/PCI grants.
    pub fn allowed_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.allowed_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the driver route (tried in order).
    pub fn route<S: Into<String>>(mut self, drivers: impl IntoIterator<Item = S>) -> Self {
        self.route = drivers.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the driver operation.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Sets the search tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }
}

/// A capability that matched a goal, best first (see [`Registry::request_capabilities`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CapabilityRequest {
    /// The matching capability.
    pub capability_id: String,
    /// The goal it matched.
    pub goal: String,
    /// How well: the weighted count of goal words found (id and name 3, tags 2,
    /// description 1).
    pub score: u32,
}

/// The capabilities a kernel serves. Built once, then shared read-only by the kernel.
///
/// ```
/// use weaver_kernel::{Capability, Registry};
/// let mut reg = Registry::new();
/// reg.register(Capability::new("billing.list_invoices").tags(["invoices"]))?;
/// reg.register(Capability::new("crm.find_customer").describe("Find customer", "Look a customer up by name"))?;
/// assert_eq!(reg.register(Capability::new("crm.find_customer")).unwrap_err().code(), "capability_already_registered");
/// let hits = reg.request_capabilities("find a customer");
/// assert_eq!(hits[0].capability_id, "crm.find_customer");
/// # Ok::<(), weaver_kernel::KernelError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Registry {
    by_id: HashMap<String, Arc<Capability>>,
    order: Vec<Arc<Capability>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a capability. A duplicate or empty id is a typed error.
    pub fn register(&mut self, capability: Capability) -> Result<(), KernelError> {
        if capability.id.trim().is_empty() {
            return Err(KernelError::InvalidCapability(
                "capability id must not be empty".into(),
            ));
        }
        if self.by_id.contains_key(&capability.id) {
            return Err(KernelError::CapabilityAlreadyRegistered { id: capability.id });
        }
        let cap = Arc::new(capability);
        self.by_id.insert(cap.id.clone(), Arc::clone(&cap));
        self.order.push(cap);
        Ok(())
    }

    /// Adds several; stops at the first error (the ones before it stay registered).
    pub fn register_many(
        &mut self,
        capabilities: impl IntoIterator<Item = Capability>,
    ) -> Result<(), KernelError> {
        capabilities.into_iter().try_for_each(|c| self.register(c))
    }

    /// The capability with this id.
    pub fn get(&self, id: &str) -> Result<&Capability, KernelError> {
        self.by_id
            .get(id)
            .map(AsRef::as_ref)
            .ok_or_else(|| KernelError::CapabilityNotFound { id: short(id) })
    }

    pub(crate) fn get_shared(&self, id: &str) -> Result<&Arc<Capability>, KernelError> {
        self.by_id
            .get(id)
            .ok_or_else(|| KernelError::CapabilityNotFound { id: short(id) })
    }

    /// Every capability, in registration order.
    pub fn list(&self) -> impl Iterator<Item = &Capability> {
        self.order.iter().map(AsRef::as_ref)
    }

    /// How many capabilities are registered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The capabilities that match the words of `goal`, best first (ties in registration
    /// order); capabilities matching no word are left out.
    ///
    /// Words are lowercase runs of letters and digits; ids and names are split on `.`,
    /// `_`, `-` too, and a goal word matches a capability word when one starts with the
    /// other and both are at least 3 characters long (`invoice` ~ `invoices`), or when
    /// they are equal. Words of one or two letters and a few stop words (`a`, `the`, `for`,
    /// …) in the goal are ignored. A keyword search, not a ranking model: enough for an
    /// agent to find the tool for "refund an invoice" among a few hundred.
    pub fn request_capabilities(&self, goal: &str) -> Vec<CapabilityRequest> {
        let wanted: Vec<String> = words(goal)
            .filter(|w| w.len() > 2 && !STOP_WORDS.contains(&w.as_str()))
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for (i, cap) in self.order.iter().enumerate() {
            let fields: [(&str, u32); 3] = [(&cap.id, 3), (&cap.name, 3), (&cap.description, 1)];
            let mut score = 0;
            for w in &wanted {
                let mut best = 0;
                for (text, weight) in fields {
                    if words(text).any(|t| similar(w, &t)) {
                        best = best.max(weight);
                    }
                }
                if cap.tags.iter().any(|t| words(t).any(|t| similar(w, &t))) {
                    best = best.max(2);
                }
                score += best;
            }
            if score > 0 {
                hits.push((score, i));
            }
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter()
            .map(|(score, i)| CapabilityRequest {
                capability_id: self.order[i].id.clone(),
                goal: goal.to_owned(),
                score,
            })
            .collect()
    }
}

const STOP_WORDS: [&str; 12] = [
    "the", "and", "for", "with", "from", "all", "any", "that", "this", "into", "about", "some",
];

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn similar(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 3 && b.len() >= 3 && (a.starts_with(b) || b.starts_with(a)))
}
