//! load: not built yet.
