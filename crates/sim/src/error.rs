//! Errors of the simulator itself (start-up, scenario files, the control client), and AWS-shaped
//! errors it answers with.

/// Errors that stop the simulator from starting or a scenario from loading, and failed calls of
/// the control client.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listening socket could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The requested port.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A scenario file or name is invalid.
    #[error("scenario {name}: {message}")]
    Scenario {
        /// The scenario name or file.
        name: String,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// A lock was poisoned by a panicking handler.
    #[error("the simulator state is unusable after an internal error")]
    Poisoned,
    /// The control API answered a `Control` call with another status than 200.
    #[error("control API {route} answered HTTP {status}: {body}")]
    ControlStatus {
        /// Method and path, e.g. `POST /_sim/faults`.
        route: String,
        /// The HTTP status.
        status: u16,
        /// The answer's body (the simulator's JSON error).
        body: String,
    },
    /// A `Control` call could not reach the control API, or its answer was not what the route
    /// gives.
    #[error("control API {route}: {message}")]
    Control {
        /// Method and path, e.g. `GET /_sim/calls`.
        route: String,
        /// What went wrong.
        message: String,
    },
}

/// An error answered to a client in the AWS shape of its protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    /// HTTP status.
    pub status: u16,
    /// AWS error code, e.g. `ClusterNotFoundException`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Whether the fault lies with the sender (awsQuery `Type`).
    pub sender_fault: bool,
}

impl AwsError {
    /// A 400 client error with the given code.
    pub fn client(code: &str, message: impl Into<String>) -> Self {
        AwsError {
            status: 400,
            code: code.into(),
            message: message.into(),
            sender_fault: true,
        }
    }

    /// An error with an explicit HTTP status.
    pub fn with_status(status: u16, code: &str, message: impl Into<String>) -> Self {
        AwsError {
            status,
            code: code.into(),
            message: message.into(),
            sender_fault: status < 500,
        }
    }

    /// `InvalidParameterException` (ECS wording).
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::client("InvalidParameterException", message)
    }

    /// An unknown operation for a known service.
    pub fn unknown_operation(service: &str, operation: &str) -> Self {
        Self::client(
            "UnknownOperationException",
            format!("{service} has no operation {operation} in this simulator"),
        )
    }

    /// `ThrottlingException`.
    pub fn throttling() -> Self {
        Self::client("ThrottlingException", "Rate exceeded")
    }

    /// An internal server error (500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::with_status(500, "InternalFailure", message)
    }
}

/// What every handler answers.
pub type Reply = Result<crate::shape::Shape, AwsError>;
