//! Running the installation: the job functions the scheduler calls, and the demo data.

pub mod demo;
pub mod schedule;
