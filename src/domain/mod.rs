//! The rules of the desk, free of storage and screens.

pub mod calendar;
pub mod catalog;
pub mod lifecycle;
pub mod national_id;
pub mod request;
pub mod tracking;

pub use calendar::WorkCalendar;
pub use catalog::{Catalog, Service, ServiceClass};
pub use lifecycle::{
    Action, Actor, Refusal, Role, State, Step, available_actions, check, next_state,
    post_outcome_allowed,
};
pub use national_id::{NationalId, NationalIdError};
pub use request::{Channel, CitizenName, Delivery, DeliveryPlace, Payment, Request, Sex, Stamp};

/// Codes for centers and desks: what goes into document numbers, batch
/// names and idempotency keys. One to twelve capital letters or digits.
pub fn valid_code(code: &str) -> bool {
    (1..=12).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn center_and_desk_codes() {
        for good in ["TRT01", "D01", "A", "ABCDEFGHIJ12"] {
            assert!(super::valid_code(good), "{good}");
        }
        for bad in ["", "trt01", "TRT-01", "ABCDEFGHIJ123", "T T", "ت01"] {
            assert!(!super::valid_code(bad), "{bad}");
        }
    }
}
