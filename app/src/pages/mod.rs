//! One module per page or page family.

/// Lets a page's view struct, which wraps a wire model from `domain::model` together with the
/// values only the server can compute (times in the operator's time zone, a QR code), be read
/// as the model itself.
macro_rules! wraps_model {
    ($view:ty => $field:ident: $model:ty) => {
        impl std::ops::Deref for $view {
            type Target = $model;
            fn deref(&self) -> &$model {
                &self.$field
            }
        }
    };
}

pub mod admin;
pub mod customers;
pub mod errors;
#[cfg(feature = "ssr")]
pub mod fields;
pub mod invoices;
pub mod login;
pub mod plans;
pub mod portal;
pub mod pos;
pub mod print;
pub mod register;
pub mod reports;
pub mod routers;
pub mod staff;
pub mod subscriptions;
pub mod vouchers;
