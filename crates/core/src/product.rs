//! The Product resource (Billing catalog): what a merchant sells; its prices are
//! [`crate::price::Price`]s that name it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tender_wire::{ApiError, Field, Metadata, MetadataUpdate, Params};

use crate::Timestamp;

/// A product, rendered with every key Stripe renders (nulls included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub created: Timestamp,
    /// A price of this product (the id; `expand[]=default_price` shows the Price).
    pub default_price: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub livemode: bool,
    pub marketing_features: Vec<MarketingFeature>,
    pub metadata: Metadata,
    pub name: String,
    pub package_dimensions: Option<PackageDimensions>,
    pub shippable: Option<bool>,
    pub statement_descriptor: Option<String>,
    pub tax_code: Option<String>,
    pub tax_details: Option<Value>,
    #[serde(rename = "type")]
    pub kind: String,
    pub unit_label: Option<String>,
    pub updated: Timestamp,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketingFeature {
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackageDimensions {
    pub height: f64,
    pub length: f64,
    pub weight: f64,
    pub width: f64,
}

/// What a deleted product reads as: `{"id", "object", "deleted": true}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeletedProduct {
    pub id: String,
    pub object: String,
    pub deleted: bool,
}

/// Stripe's limits on a product's lists.
pub const MAX_IMAGES: usize = 8;
pub const MAX_MARKETING_FEATURES: usize = 15;

const TYPES: &[&str] = &["good", "service"];

impl Product {
    /// A new active `service` product (the type every API version since 2018-02-05 defaults
    /// to) with nothing but its name.
    pub fn new(id: String, name: String, now: Timestamp) -> Product {
        Product {
            id,
            object: "product".to_owned(),
            active: true,
            created: now,
            default_price: None,
            description: None,
            images: Vec::new(),
            livemode: false,
            marketing_features: Vec::new(),
            metadata: Metadata::new(),
            name,
            package_dimensions: None,
            shippable: None,
            statement_descriptor: None,
            tax_code: None,
            tax_details: None,
            kind: "service".to_owned(),
            unit_label: None,
            updated: now,
            url: None,
        }
    }

    /// The list column of a product: whether it is active, the filter most lists use.
    pub fn list_tag(&self) -> &'static str {
        Product::tag_of(self.active)
    }

    pub fn tag_of(active: bool) -> &'static str {
        if active { "active" } else { "inactive" }
    }

    pub fn deleted(&self) -> DeletedProduct {
        DeletedProduct {
            id: self.id.clone(),
            object: "product".to_owned(),
            deleted: true,
        }
    }

    /// Stripe's refusal to delete a product that has prices, active or not.
    pub fn has_prices_error() -> ApiError {
        ApiError::invalid_request(
            "This product cannot be deleted because it has one or more user-created prices.",
        )
    }
}

/// The fields create and update share. `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub description: Option<Field<String>>,
    pub images: Option<Vec<String>>,
    pub marketing_features: Option<Vec<MarketingFeature>>,
    pub metadata: Option<MetadataUpdate>,
    pub package_dimensions: Option<Field<PackageDimensions>>,
    pub shippable: Option<bool>,
    pub statement_descriptor: Option<Field<String>>,
    pub tax_code: Option<Field<String>>,
    pub unit_label: Option<Field<String>>,
    pub url: Option<Field<String>>,
}

impl ProductChanges {
    /// Takes the shared product parameters from `p`; `name` as given (required on create,
    /// which the caller checks).
    pub fn take(p: &mut Params) -> Result<ProductChanges, ApiError> {
        let statement_descriptor = present(p.string_field("statement_descriptor")?);
        if let Some(Field::Set(descriptor)) = &statement_descriptor {
            check_statement_descriptor(descriptor, &p.name("statement_descriptor"))?;
        }
        Ok(ProductChanges {
            name: p.string("name")?,
            active: p.boolean("active")?,
            description: present(p.string_field("description")?),
            images: take_images(p)?,
            marketing_features: take_marketing_features(p)?,
            metadata: p.metadata("metadata")?,
            package_dimensions: take_package_dimensions(p)?,
            shippable: p.boolean("shippable")?,
            statement_descriptor,
            tax_code: present(p.string_field("tax_code")?),
            unit_label: present(p.string_field("unit_label")?),
            url: present(p.string_field("url")?),
        })
    }

    /// Applies the changes; `now` becomes `updated` when anything changed.
    pub fn apply(self, product: &mut Product, now: Timestamp) -> Result<(), ApiError> {
        let before = product.clone();
        if let Some(name) = self.name {
            product.name = name;
        }
        if let Some(active) = self.active {
            product.active = active;
        }
        set(&mut product.description, self.description);
        if let Some(images) = self.images {
            product.images = images;
        }
        if let Some(features) = self.marketing_features {
            product.marketing_features = features;
        }
        if let Some(metadata) = self.metadata {
            metadata.apply(&mut product.metadata, "metadata")?;
        }
        set(&mut product.package_dimensions, self.package_dimensions);
        if let Some(shippable) = self.shippable {
            product.shippable = Some(shippable);
        }
        set(&mut product.statement_descriptor, self.statement_descriptor);
        set(&mut product.tax_code, self.tax_code);
        set(&mut product.unit_label, self.unit_label);
        set(&mut product.url, self.url);
        if *product != before {
            product.updated = now;
        }
        Ok(())
    }
}

/// `type` on create: `good` or `service`.
pub fn take_type(p: &mut Params) -> Result<Option<String>, ApiError> {
    p.enumeration("type", TYPES)
}

fn take_images(p: &mut Params) -> Result<Option<Vec<String>>, ApiError> {
    let images = p.string_list("images")?;
    if let Some(images) = &images
        && images.len() > MAX_IMAGES
    {
        return Err(ApiError::invalid_request(format!(
            "Invalid array: images must have at most {MAX_IMAGES} items."
        ))
        .with_param(p.name("images")));
    }
    Ok(images)
}

fn take_marketing_features(p: &mut Params) -> Result<Option<Vec<MarketingFeature>>, ApiError> {
    let Some(items) = p.object_list("marketing_features")? else {
        return Ok(None);
    };
    if items.len() > MAX_MARKETING_FEATURES {
        return Err(ApiError::invalid_request(format!(
            "Invalid array: marketing_features must have at most {MAX_MARKETING_FEATURES} items."
        ))
        .with_param(p.name("marketing_features")));
    }
    items
        .into_iter()
        .map(|mut item| {
            let name = item.string("name")?;
            item.finish()?;
            Ok(MarketingFeature { name })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn take_package_dimensions(p: &mut Params) -> Result<Option<Field<PackageDimensions>>, ApiError> {
    let mut dims = match p.object_field("package_dimensions")? {
        Field::Absent => return Ok(None),
        Field::Clear => return Ok(Some(Field::Clear)),
        Field::Set(dims) => dims,
    };
    let mut number = |key: &str| -> Result<f64, ApiError> {
        let text = dims.required_string(key)?;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
            _ => Err(
                ApiError::invalid_request(format!("Invalid decimal: {text}"))
                    .with_param(dims.name(key)),
            ),
        }
    };
    let dimensions = PackageDimensions {
        height: number("height")?,
        length: number("length")?,
        weight: number("weight")?,
        width: number("width")?,
    };
    dims.finish()?;
    Ok(Some(Field::Set(dimensions)))
}

/// Stripe's rules for a statement descriptor beyond its length: at least one letter, and none
/// of the characters card networks refuse.
pub fn check_statement_descriptor(descriptor: &str, param: &str) -> Result<(), ApiError> {
    if descriptor.contains(['<', '>', '\\', '"', '\'', '*']) {
        return Err(ApiError::invalid_request(
            "The statement descriptor cannot contain any of the special characters <, >, \\, \
             \", ', or *.",
        )
        .with_param(param));
    }
    if !descriptor.chars().any(char::is_alphabetic) {
        return Err(ApiError::invalid_request(
            "The statement descriptor must contain at least one letter.",
        )
        .with_param(param));
    }
    Ok(())
}

fn present<T>(field: Field<T>) -> Option<Field<T>> {
    (!field.is_absent()).then_some(field)
}

fn set<T>(target: &mut Option<T>, field: Option<Field<T>>) {
    if let Some(field) = field {
        *target = field.set();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn changes(form: &str) -> Result<ProductChanges, ApiError> {
        crate::take_form(form, ProductChanges::take)
    }

    #[test]
    fn applies_and_clears_fields_and_bumps_updated_only_on_change() {
        let mut product = Product::new("prod_1".into(), "Gold".into(), 10);
        changes(
            "description=Shiny&images[0]=https%3A%2F%2Fx.io%2Fa.png&marketing_features[0][name]=Fast\
             &metadata[k]=v&shippable=true&unit_label=seat&url=https%3A%2F%2Fx.io\
             &package_dimensions[height]=1.5&package_dimensions[length]=2&package_dimensions[weight]=3\
             &package_dimensions[width]=4",
        )
        .unwrap()
        .apply(&mut product, 20)
        .unwrap();
        assert_eq!(product.description.as_deref(), Some("Shiny"));
        assert_eq!(product.images, vec!["https://x.io/a.png"]);
        assert_eq!(product.marketing_features[0].name.as_deref(), Some("Fast"));
        assert_eq!(product.shippable, Some(true));
        assert_eq!(product.package_dimensions.as_ref().unwrap().height, 1.5);
        assert_eq!(product.updated, 20);
        changes("description=&unit_label=&package_dimensions=")
            .unwrap()
            .apply(&mut product, 30)
            .unwrap();
        assert_eq!(product.description, None);
        assert_eq!(product.unit_label, None);
        assert_eq!(product.package_dimensions, None);
        assert_eq!(product.updated, 30);
        changes("name=Gold")
            .unwrap()
            .apply(&mut product, 40)
            .unwrap();
        assert_eq!(product.updated, 30, "nothing changed");
    }

    #[test]
    fn refuses_bad_input_naming_the_parameter() {
        let param = |form: &str| changes(form).unwrap_err().param;
        let nine = (0..9)
            .map(|i| format!("images[{i}]=u{i}"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(param(&nine).as_deref(), Some("images"));
        assert_eq!(
            param("statement_descriptor=12345").as_deref(),
            Some("statement_descriptor")
        );
        assert_eq!(
            param("statement_descriptor=a%3Cb").as_deref(),
            Some("statement_descriptor")
        );
        assert_eq!(
            param("package_dimensions[height]=x&package_dimensions[length]=1").as_deref(),
            Some("package_dimensions[height]")
        );
        assert_eq!(
            param("package_dimensions[height]=1").as_deref(),
            Some("package_dimensions[length]")
        );
        assert_eq!(
            param("marketing_features[0][title]=x").as_deref(),
            Some("marketing_features[0][title]")
        );
        assert_eq!(param("name=").as_deref(), Some("name"));
    }

    #[test]
    fn renders_every_key() {
        let value = serde_json::to_value(Product::new("prod_1".into(), "A".into(), 5)).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 20);
        assert_eq!(value["type"], "service");
        assert_eq!(value["default_price"], Value::Null);
        assert_eq!(value["updated"], 5);
        assert_eq!(value["images"], serde_json::json!([]));
    }
}
