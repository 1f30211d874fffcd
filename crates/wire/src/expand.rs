//! `expand[]` paths (spec §1.8): dotted paths up to four levels, `data.` for lists.

use crate::error::ApiError;

/// Deepest expansion Stripe allows.
pub const MAX_EXPAND_DEPTH: usize = 4;

/// A set of expansion paths relative to one object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expand {
    paths: Vec<Vec<String>>,
}

impl Expand {
    /// Parses request paths such as `customer` or `latest_charge.payment_intent`.
    pub fn parse(paths: &[String]) -> Result<Expand, ApiError> {
        let mut parsed = Vec::with_capacity(paths.len());
        for path in paths {
            let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
            if segments.iter().any(String::is_empty) {
                return Err(
                    ApiError::invalid_request(format!("Invalid expand path: {path}"))
                        .with_param("expand"),
                );
            }
            if segments.len() > MAX_EXPAND_DEPTH {
                return Err(ApiError::invalid_request(format!(
                    "You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property. \
                     Property: {path}"
                ))
                .with_param("expand"));
            }
            parsed.push(segments);
        }
        Ok(Expand { paths: parsed })
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The distinct fields expanded at this level, in request order.
    pub fn fields(&self) -> Vec<&str> {
        let mut fields: Vec<&str> = Vec::new();
        for path in &self.paths {
            if let Some(first) = path.first()
                && !fields.contains(&first.as_str())
            {
                fields.push(first);
            }
        }
        fields
    }

    /// The paths below `field` (`customer.default_source` → `default_source`).
    pub fn under(&self, field: &str) -> Expand {
        Expand {
            paths: self
                .paths
                .iter()
                .filter(|p| p.first().is_some_and(|f| f == field) && p.len() > 1)
                .map(|p| p[1..].to_vec())
                .collect(),
        }
    }

    /// For a list response: the paths under `data.`; any other path is refused, as Stripe
    /// only expands list items.
    pub fn for_list_items(&self) -> Result<Expand, ApiError> {
        for path in &self.paths {
            if path.first().is_none_or(|f| f != "data") || path.len() < 2 {
                return Err(ApiError::invalid_request(format!(
                    "This property cannot be expanded ({}). You may want to try expanding \
                     'data.{}' instead.",
                    path.join("."),
                    path.join(".")
                ))
                .with_param("expand"));
            }
        }
        Ok(self.under("data"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn expand(paths: &[&str]) -> Result<Expand, ApiError> {
        Expand::parse(&paths.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn splits_paths_by_level() {
        let e = expand(&["customer", "latest_charge.payment_intent", "customer.x"]).unwrap();
        assert_eq!(e.fields(), vec!["customer", "latest_charge"]);
        assert_eq!(e.under("latest_charge").fields(), vec!["payment_intent"]);
        assert_eq!(e.under("customer").fields(), vec!["x"]);
        assert!(e.under("nothing").is_empty());
    }

    #[test]
    fn depth_limit_and_lists() {
        assert!(expand(&["a.b.c.d"]).is_ok());
        assert_eq!(
            expand(&["a.b.c.d.e"]).unwrap_err().param.as_deref(),
            Some("expand")
        );
        let items = expand(&["data.customer"])
            .unwrap()
            .for_list_items()
            .unwrap();
        assert_eq!(items.fields(), vec!["customer"]);
        assert!(expand(&["customer"]).unwrap().for_list_items().is_err());
    }
}
