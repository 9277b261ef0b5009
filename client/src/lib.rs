//! The changeos client: everything between a linted request body and the API's answer.
//!
//! Data flows one way. [`credentials::discover`] finds how to authenticate (environment, the
//! SDK's credentials file, an IAM token); [`endpoints::resolve`] turns a region id into its
//! endpoints (the SDK's overrides from the environment and the [`regions_file`], then the
//! built-in [`region`] table); [`request`] builds the change-OS POST and the ShowJob GET and authenticates them,
//! signing with the pure [`signer`]: a [`RequestToSign`] (method, [`Endpoint`], already-encoded
//! [`ResourcePath`], unencoded query pairs, headers in sending order, body bytes), plus
//! [`Credentials`] and an [`SdkDate`], go into [`sign`], which returns a [`SignedRequest`]. The
//! signer reads no clock, environment or network. [`trust::Roots`] are the certificate
//! authorities the TLS handshake trusts. [`http`] sends one request at a time and
//! sorts failures by whether the request may have reached the server, saying why one was not
//! sent as data ([`not_sent`]: a refused certificate, a name that does not resolve, ...);
//! [`api::Client`] makes
//! the two calls safe (the POST never twice, the GET retried with backoff); [`errors`] reads
//! error answers as the SDK does; [`job`] follows a job to its end.
//!
//! Secret keys, tokens, signatures and passwords never appear in any `Debug` or `Display`
//! output; [`redact_authorization`] and [`redact_header_value`] make headers safe to print.
//!
//! Modules: [`signer`] (the algorithm and its types), [`date`] (`X-Sdk-Date`), [`percent`]
//! (the SDK's percent-encoding), [`credentials`], [`endpoints`], [`regions_file`], [`region`],
//! [`request`], [`http`], [`not_sent`], [`proxy`] (the proxy variables, read strictly), [`trust`] (the roots
//! TLS trusts), [`errors`], [`api`], [`iam`] (the project id lookup), [`job`], [`files`].

#![forbid(unsafe_code)]

pub mod api;
pub mod credentials;
pub mod date;
pub mod endpoints;
pub mod errors;
pub mod files;
pub mod http;
pub mod iam;
pub mod job;
pub mod not_sent;
pub mod percent;
pub mod proxy;
pub mod region;
pub mod regions_file;
pub mod request;
pub mod signer;
pub mod trust;

pub use date::{DateError, SdkDate};
pub use signer::{
    AccessKey, Credentials, Endpoint, Method, QueryValue, RequestToSign, ResourcePath, Scheme, SecretKey, SignError,
    Signature, SignedRequest, canonical_query, canonical_uri, redact_authorization, redact_header_value, sign,
};
