//! `wire_enum!`: a fieldless enum whose variants are strings on the wire, declared once with
//! each variant's string. It derives serde from those strings and gives `as_str`, `parse`, `ALL` and
//! `NAMES`.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $wire:literal),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$variant_meta])* #[serde(rename = $wire)] $variant),*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($wire),*].len()] = [$($name::$variant),*];

            /// Every variant's wire string, in declaration order (for `Params::enumeration`).
            pub const NAMES: &'static [&'static str] = &[$($wire),*];

            /// The variant written `wire`, if any.
            pub fn parse(wire: &str) -> Option<$name> {
                match wire {
                    $($wire => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The variant as the wire writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),*
                }
            }
        }
    };
}
