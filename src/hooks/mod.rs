//! Behaviour that several screens share and that draws nothing itself.

pub mod debounce;
pub mod file;
pub mod focus;
pub mod mutation;
pub mod paging;

pub use debounce::Debounce;
pub use mutation::{mutation, mutation_with_errors, Mutation};
pub use paging::CursorPages;
