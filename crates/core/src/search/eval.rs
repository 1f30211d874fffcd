//! Testing one object's JSON body against a clause.

use serde_json::Value;

use super::{Clause, FieldType, Op, Operand, Target};

impl Clause {
    /// Whether `object` matches this clause (negation included).
    pub fn matches(&self, object: &Value) -> bool {
        self.negated != self.holds(object)
    }

    fn holds(&self, object: &Value) -> bool {
        let (found, ty) = match &self.target {
            Target::Field(field) => (at_path(object, field.path), field.ty),
            Target::Metadata(key) => (
                object
                    .get("metadata")
                    .and_then(|metadata| metadata.get(key)),
                FieldType::String,
            ),
        };
        // Absent and JSON null are the same to a search.
        let found = found.filter(|value| !value.is_null());
        let Some(found) = found else {
            return self.value == Operand::Null;
        };
        match (&self.value, self.op) {
            (Operand::Null, _) => false,
            (Operand::Integer(wanted), op) => found.as_i64().is_some_and(|have| match op {
                Op::Equals => have == *wanted,
                Op::Greater => have > *wanted,
                Op::GreaterOrEqual => have >= *wanted,
                Op::Less => have < *wanted,
                Op::LessOrEqual => have <= *wanted,
                Op::Contains => false,
            }),
            (Operand::Boolean(wanted), _) => found.as_bool() == Some(*wanted),
            (Operand::Text(wanted), op) => {
                let have = match found {
                    Value::String(text) => text.clone(),
                    Value::Number(number) => number.to_string(),
                    _ => return false,
                };
                match (ty, op) {
                    (FieldType::Token, _) => have == *wanted,
                    (_, Op::Contains) => have.to_lowercase().contains(&wanted.to_lowercase()),
                    _ => have.to_lowercase() == wanted.to_lowercase(),
                }
            }
        }
    }
}

fn at_path<'v>(object: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter()
        .try_fold(object, |value, segment| value.get(*segment))
}
