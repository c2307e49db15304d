//! flame: not built yet.
