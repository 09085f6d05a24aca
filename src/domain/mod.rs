//! The rules of the desk, free of storage and screens.

pub mod calendar;
pub mod catalog;
pub mod lifecycle;
pub mod national_id;
pub mod request;
pub mod tracking;

pub use calendar::WorkCalendar;
pub use catalog::{Catalog, Service, ServiceClass};
pub use lifecycle::{Action, Role, State, next_state, post_outcome_allowed};
pub use national_id::{NationalId, NationalIdError};
pub use request::{Channel, CitizenName, Delivery, DeliveryPlace, Payment, Request, Stamp};
