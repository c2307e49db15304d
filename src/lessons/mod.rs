//! lessons: not built yet.
