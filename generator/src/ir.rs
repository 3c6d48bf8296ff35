//! The intermediate representation: plain data, every Rust name already decided, no
//! `openapiv3` types and no tokens.

use serde_json::Value;

/// One API module of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// snake_case module name.
    pub module: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Spec files as given in the manifest, for headers and docs.
    pub spec_files: Vec<String>,
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// The documented bodies the server answers refused requests with, one per type.
    pub rejection_bodies: Vec<RejectionBody>,
    /// The requests the API sends to its users: webhooks and callbacks.
    pub hooks: Vec<Hook>,
    pub examples: Vec<Example>,
    /// One call per operation for the wire check, emitted only when asked.
    pub wire_calls: Vec<WireCall>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema it came from.
    pub origin: String,
    pub docs: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum that keeps values it does not know.
    Enum(OpenEnum),
    Union(Union),
    /// `pub type Name = Target;`
    Alias(TypeRef),
    /// `pub struct Name(pub Target);` for aliases that refer to themselves.
    Newtype(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Type of undeclared properties kept in a flattened map (`additionalProperties`).
    pub additional: Option<TypeRef>,
    /// `oneOf`/`anyOf` alternatives that only list required properties: checked by `validate()`.
    pub required_sets: Option<RequiredSets>,
    /// `additionalProperties: false`: a server refuses a body with an undeclared property.
    pub closed: bool,
    /// `minProperties` and `maxProperties`: how many properties may be present.
    pub property_count: (Option<usize>, Option<usize>),
}

/// Sets of properties of which one must be present in full.
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredSets {
    /// Wire names of the properties of each set, every one a field of the struct.
    pub sets: Vec<Vec<String>>,
    /// `oneOf`: exactly one set is present in full; `anyOf`: at least one.
    pub exclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub docs: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    /// Boxed to break a cycle of directly contained types.
    pub boxed: bool,
    /// Redacted in `Debug` output.
    pub secret: bool,
    pub deprecated: bool,
    pub constraints: Constraints,
    /// What `ty` (without its outer nullability) stands for when it names an alias: the
    /// alias's target, seen through every alias. The rules check that value, which may be
    /// `null` where the alias is nullable.
    pub seen_through: Option<TypeRef>,
}

impl Field {
    /// Whether the Rust field is an `Option`: optional, or nullable.
    pub fn is_option(&self) -> bool {
        !self.required || matches!(self.ty, TypeRef::Nullable(_))
    }

    /// Whether JSON `null` is a value of the field: its type, or the alias it names, says so.
    pub fn is_nullable(&self) -> bool {
        matches!(self.ty, TypeRef::Nullable(_))
            || matches!(self.seen_through, Some(TypeRef::Nullable(_)))
    }

    /// Whether the field tells a member sent as `null` from one left out: an optional field
    /// whose value may be `null` (merge patches delete a member with it). Its outer `None` is
    /// "absent", and the value inside carries the `null`.
    pub fn keeps_null(&self) -> bool {
        !self.required
            && (self.is_nullable()
                || matches!(self.ty, TypeRef::Json)
                || matches!(self.seen_through, Some(TypeRef::Json)))
    }

    /// How many `Option`s the Rust field wraps around its type without `null`: one for an
    /// optional field, one for a nullable type unless it names a nullable alias, which is an
    /// `Option` already.
    pub fn option_layers(&self) -> usize {
        let own_null = matches!(self.ty, TypeRef::Nullable(_))
            && !matches!(self.seen_through, Some(TypeRef::Nullable(_)));
        usize::from(!self.required) + usize::from(own_null)
    }
}

/// A string enum's listed values, and the variant that keeps any other value.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnum {
    pub variants: Vec<EnumVariant>,
    /// The variant that keeps a value the spec does not list.
    pub catch_all: String,
}

impl OpenEnum {
    /// The listed variants, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, EnumVariant> {
        self.variants.iter()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The discriminator property, when the union is tagged.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Discriminator values that select this variant.
    pub tag_values: Vec<String>,
    pub boxed: bool,
}

/// A reference to a Rust type, as used in a field, a parameter or a body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Named(String),
    String,
    Bool,
    I32,
    I64,
    F64,
    Uuid,
    DateTime,
    Date,
    /// Bytes, base64 text in JSON (`format: byte`).
    Bytes,
    /// A file (`format: binary`): bytes with a file name and media type in a multipart body,
    /// text elsewhere.
    Binary,
    /// Any JSON value.
    Json,
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// May be JSON `null`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The type without its outer nullability.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner,
            other => other,
        }
    }

    /// The named type this refers to directly (through nullability only).
    pub fn direct_name(&self) -> Option<&str> {
        match self.non_null() {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }
    }

    /// Whether the type holds named types anywhere (in lists, maps or nullability too).
    pub fn contains_named(&self) -> bool {
        match self {
            TypeRef::Named(_) => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.contains_named()
            }
            _ => false,
        }
    }
}

/// Validation rules from the spec, checked by the generated `validate()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub email: bool,
    /// Rules for each element of an array.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// UpperCamel variant name.
    pub name: String,
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Key in `components.securitySchemes`.
    pub key: String,
    /// snake_case name of its credential slot.
    pub name: String,
    /// The `Credentials` method that fills the slot.
    pub setter: String,
    pub kind: SchemeKind,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemeKind {
    ApiKey {
        location: ParamLocation,
        param: String,
    },
    Bearer {
        format: Option<String>,
    },
    Basic,
    /// Another HTTP scheme, sent as `Authorization: <scheme> <credential>`.
    Http {
        scheme: String,
    },
    OAuth2,
    OpenIdConnect {
        url: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// snake_case method name, in the client and in the server's `Api` trait.
    pub name: String,
    pub names: OperationNames,
    pub operation_id: Option<String>,
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// Alternatives (OR) of scheme-key sets (AND); empty means no authentication.
    pub security: Vec<Vec<String>>,
    /// What was assumed where the spec is defective (an undeclared security scheme or path
    /// parameter), one sentence each, for the operation's docs.
    pub notes: Vec<String>,
    /// The server's route: the path with its parameters renamed by position (`{p0}`), so
    /// templates that differ only in parameter names share one route. `None` when the server
    /// cannot route the template (reported as a warning); the client still has the operation.
    pub route: Option<String>,
    /// What the server checks of a request beyond `route`, when the route alone cannot tell:
    /// the path with every parameter renamed for the route (`/files/{p0.0}.json`,
    /// `/v1/{p0.0}:cancel`, `/current?city={q0}`), for a path with a segment that mixes
    /// parameters with text (the route captures it whole) or that carries a query. The
    /// operations of one route and method are tried in turn; `None` when the route decides.
    pub route_match: Option<String>,
    /// How the server answers the requests it refuses before the handler runs, where the
    /// operation documents a response that fits; a refusal none fits keeps the runtime's
    /// status and JSON error.
    pub refusals: Vec<Refusal>,
}

/// A request the API sends to its users (a webhook, or a callback of one of its operations),
/// which their server receives: an operation the other way round, seen from the receiving
/// side. `operation.name` is its method in the `Webhooks` trait, `operation.route` the path
/// the default router mounts it at, `operation.path` the webhook's name or the callback's
/// runtime expression; it has no security requirement, and its client names go unused.
#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub origin: HookOrigin,
    /// snake_case field of the `Routes` struct that serves the hook's path item, shared by the
    /// other methods of that path item.
    pub routes_field: String,
    pub operation: Operation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HookOrigin {
    Webhook {
        /// The webhook's key in `webhooks`.
        name: String,
    },
    Callback {
        /// The callback's key in the operation's `callbacks` (or in `components/callbacks`).
        name: String,
        /// The runtime expression of the URL it is sent to (`{$request.body#/callbackUrl}`).
        expression: String,
        /// The Rust names of the operations whose callback it is.
        operations: Vec<String>,
    },
}

/// The items an operation brings to the client and server modules, each name claimed in the
/// namespace of the module it goes into.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationNames {
    /// Client: struct of the optional parameters.
    pub options: String,
    /// Client: enum of the successful responses, when there are several.
    pub success: String,
    /// Client: enum of the documented error responses.
    pub error: String,
    /// Server: struct of the checked inputs.
    pub input: String,
    /// Server: enum of the documented responses.
    pub response: String,
    /// Server: fn that reads and checks the inputs of a request.
    pub reader: String,
    /// Server: the axum handler.
    pub handler: String,
    /// Server: the operation's variant of the `Operation` enum.
    pub operation: String,
    /// Client: enum of the media types the body may be sent in, when there are several.
    pub client_body: String,
    /// Server: enum of the media types the body may come in, when there are several.
    pub server_body: String,
    /// Client and server: enum of the events of a stream keyed by event name.
    pub events: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub default: Option<Value>,
    pub docs: Option<String>,
    pub explode: bool,
    pub constraints: Constraints,
    /// A path parameter's name in the server route: `p<k>` when it fills the k-th captured
    /// segment, `p<k>.<j>` when it is the j-th parameter of a captured segment that mixes
    /// parameters with text, `q<i>` when it stands in a query the path carries.
    pub route_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub content_type: String,
    /// The body's type when it is JSON or a form; `None` for text and bytes.
    pub ty: Option<TypeRef>,
    pub media: Media,
    /// Every media type the spec documents, the one above first, when there are several:
    /// the caller chooses one, and the server reads whichever comes. Empty for one.
    pub choices: Vec<BodyChoice>,
    pub required: bool,
    pub docs: Option<String>,
}

/// One of the media types a body may be sent in.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyChoice {
    pub content_type: String,
    /// Its variant in the operation's body enums (`Json`, `Form`, `MergePatchJson`).
    pub variant: String,
    pub ty: Option<TypeRef>,
    pub media: Media,
}

/// How a body's bytes carry its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Media {
    /// JSON of the body's type.
    Json,
    /// `application/x-www-form-urlencoded` of the body's type: how its properties are
    /// written, for those the media type's `encoding` names.
    Form(Vec<FormProperty>),
    /// `multipart/form-data` of the body's type: each field of the struct `parts_of` (the type,
    /// seen through aliases) a part.
    Multipart { parts_of: String },
    /// Text (`text/*` but XML and event streams): a `String`.
    Text,
    /// Bytes as sent, held in memory: XML, and forms and multipart written by the caller.
    Bytes,
    /// Binary content (`application/octet-stream`, images, PDFs): bytes streamed as they
    /// come, a successful response's and a request's; an error response's are read whole.
    Stream,
    /// Server-sent events (`text/event-stream`) of a successful response: each event's data
    /// of the response's type, or text when it has none.
    Events,
}

impl Media {
    /// Whether a successful response of this media is handed over before its body is read.
    pub fn is_streamed(&self) -> bool {
        matches!(self, Media::Stream | Media::Events)
    }
}

/// How one property of a form body is written (OpenAPI `encoding`).
#[derive(Debug, Clone, PartialEq)]
pub struct FormProperty {
    pub wire: String,
    pub style: FormStyle,
}

/// A form property's `style` and `explode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStyle {
    Form { explode: bool },
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `4XX`: the leading digit.
    Range(u8),
    Default,
}

impl Status {
    pub fn is_success(&self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(code),
            Status::Range(digit) => *digit == 2,
            Status::Default => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: Status,
    /// Variant name in the operation's response enums (`Status201`, `Status4xx`, `Default`).
    pub variant: String,
    pub docs: Option<String>,
    pub content_type: Option<String>,
    /// The media type or range the spec documents for it (`*/*`, say), which `Accept` asks
    /// for; `content_type` is what a server sends.
    pub media_range: Option<String>,
    /// `None` for an empty body or a non-JSON one; for events, the type of each one's data
    /// (`None`: text).
    pub ty: Option<TypeRef>,
    /// How the body carries its value; `None` without a body.
    pub media: Option<Media>,
    /// Where the JSON body's schema is (`file#pointer`), for a judge of answers.
    pub schema: Option<String>,
    pub headers: Vec<ResponseHeader>,
    /// Events whose data's type depends on their name, as the spec keys them.
    pub keyed: Option<KeyedEvents>,
}

/// The events of a stream keyed by name: an enum of one variant per name.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedEvents {
    /// The enum's name (the operation's `names.events`).
    pub name: String,
    pub events: Vec<KeyedEvent>,
}

/// One named event of a stream whose events are keyed by name.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedEvent {
    /// Its `event:` name on the wire.
    pub event: String,
    /// Its variant in the events enum.
    pub variant: String,
    /// Its data's type; `None` for text.
    pub ty: Option<TypeRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// snake_case name.
    pub name: String,
    pub wire: String,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
}

/// The documented response that answers some of the statuses the server refuses requests with.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The runtime's statuses it answers: 400 (a malformed parameter or body), 401 (missing
    /// credentials), 413 (a body too large), 415 (not JSON), 422 (a broken rule).
    pub refused: Vec<u16>,
    /// The status sent: the documented code, or `None` for the refused status itself, which
    /// a `4XX` range or `default` documents.
    pub status: Option<u16>,
    /// The response's variant in the operation's response enum.
    pub variant: String,
    pub answer: RefusalAnswer,
}

/// What a refused request's answer carries, as its documented response says.
#[derive(Debug, Clone, PartialEq)]
pub enum RefusalAnswer {
    /// No body.
    Empty,
    /// A text body (`text/*`): the rejection's message.
    Text { content_type: String },
    /// A JSON body of the API's [`RejectionBody`] named `body`; `has_default` when the router
    /// builds one from the rejection ([`BodyDefault`] is not `None`).
    Json {
        body: String,
        content_type: String,
        has_default: bool,
    },
    /// A body of another media type: the runtime's JSON error stands in for it.
    Error,
}

/// A type some operation documents as the body of a refused request's answer, and how the
/// server builds one from a rejection before the implementation may change it.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectionBody {
    /// Its variant in the server's `RejectionBody` enum.
    pub variant: String,
    /// The body type, without nullability.
    pub ty: TypeRef,
    pub default: BodyDefault,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyDefault {
    /// A struct built from the properties these fill; the rest are left out.
    Fields(Vec<FieldFill>),
    /// Built by the runtime: the JSON error for any JSON value, the message for a string.
    Runtime,
    /// None can be built: the schema has a required property nothing fills, or is not an
    /// object.
    None,
}

/// A property of an error body filled from the rejection.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFill {
    pub wire: String,
    pub source: FillSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FillSource {
    /// The rejection's message.
    Message,
    /// The rejection's code (`invalid_body`, `validation_failed`, ...).
    Code,
    /// The status sent.
    Status,
    /// A value the schema lists, by the status refused (a status without one leaves the
    /// property out).
    Listed(Vec<(u16, String)>),
    /// An object whose properties are filled in turn.
    Object(Vec<FieldFill>),
}

/// An `example` from the spec, to be checked against its generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example stands: `file#pointer`.
    pub origin: String,
    /// Its round-trip test fn; unique in the crate's examples test file.
    pub test_name: String,
    /// The pointer, in the same file, of the schema the example should satisfy; `None` when
    /// the example has no schema.
    pub schema: Option<String>,
    pub ty: TypeRef,
    pub value: Value,
    /// What the generated type serializes the example back to: `value` minus the properties
    /// the schema does not declare and the `null`s of optional fields that cannot be null.
    pub expected: Value,
}

/// A call of one operation in the wire check (the `tests/wire` of a crate generated with wire
/// tests): the generated client sends it to a mock server of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct WireCall {
    /// The operation's method name.
    pub operation: String,
    /// Its test fn; unique in the API's module of the wire tests.
    pub test_name: String,
    /// One per parameter of the operation, in order; `None` for one the call leaves out.
    pub parameters: Vec<Option<WireValue>>,
    pub body: Option<WireValue>,
    /// What the example-backed fake server answers the operation with; `None` when the
    /// operation documents no response.
    pub answer: Option<WireAnswer>,
    /// Values for the JSON bodies of the operation's documented refusals, by their variant
    /// in the server's `RejectionBody` enum.
    pub refusal_bodies: Vec<(String, WireValue)>,
}

/// The documented response a fake server sends for a [`WireCall`]'s operation.
#[derive(Debug, Clone, PartialEq)]
pub struct WireAnswer {
    /// The response's variant in the operation's response enum.
    pub variant: String,
    /// The status a range or `default` variant is sent with.
    pub status: u16,
    /// The body's example and a value made from its schema; `None` for an empty body.
    pub body: Option<WireValue>,
}

/// The value of one argument of a [`WireCall`].
#[derive(Debug, Clone, PartialEq)]
pub struct WireValue {
    /// Where a mock server reports a violation of it: `query.limit`, `header.x-id`, `body`.
    pub key: String,
    /// The spec's example of the argument, if it gives one (tried first).
    pub example: Option<Value>,
    /// A value made from the argument's schema.
    pub synthesized: Value,
    /// Whether `synthesized` guesses: at a `pattern` the spec gives no example of, or at a
    /// `oneOf` whose alternatives all accept every value made for them.
    pub guessed: bool,
}
