//! The one error type of the bench.

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The simulator failed to start or answer, or its control API refused a call.
    #[error("simulator: {0}")]
    Sim(#[from] ecsdesk_sim::SimError),
    /// A core operation failed (the job itself).
    #[error("{0}")]
    Core(#[from] ecsdesk_core::CoreError),
    /// A file or process could not be used.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A job child process or the AWS CLI misbehaved.
    #[error("{0}")]
    Run(String),
}

impl BenchError {
    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BenchError {
        let what = what.into();
        move |source| BenchError::Io { what, source }
    }
}
