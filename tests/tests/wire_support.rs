//! The wire check's test support (`generator/wire/support.rs`), compiled as the generated wire
//! tests compile it: how a mock's answers become outcomes, and which values a test sends.

use codegen_tests as api_crate;

#[path = "../../generator/wire/support.rs"]
mod support;

use api_crate::constraints::types::Signup;
use api_crate::params::client as params;
use api_crate::runtime::client::Error;
use serde_json::json;
use support::{write_body, Check, Outcome, Seen};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A check of an operation whose arguments are `arguments` (as the generator writes them).
fn check(arguments: serde_json::Value) -> Check {
    Check::with_url(
        "api",
        "op",
        "/things/{id}",
        &arguments.to_string(),
        "http://127.0.0.1:9".into(),
    )
}

fn signup_arguments() -> serde_json::Value {
    json!({
        "body": {
            "example": {"first_name": "far too long a name", "email": "a@b.co", "tags": ["x"]},
            "synthesized": {"first_name": "wire", "email": "wire@example.com", "tags": ["wire"]},
        },
        "query.code": {"example": null, "synthesized": "AAA-1", "guessed": true},
        "query.limit": {"example": null, "synthesized": "not a number"},
    })
}

/// Prism's answer to an invalid request: its `sl-violations` header, and a 422 problem.
fn refused(violations: serde_json::Value) -> Seen {
    Seen {
        status: 422,
        content_type: "application/problem+json".into(),
        violations: Some(violations.to_string()),
        body: br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request"}"#.to_vec(),
    }
}

fn passed() -> Result<Result<(), Error<()>>, Outcome> {
    Ok(Ok(()))
}

#[test]
fn an_example_its_type_refuses_gives_way_to_the_value_made_from_the_schema() {
    let mut check = check(signup_arguments());
    let values = check.attempt().expect("a first attempt");
    let signup: Signup = values.get("body").expect("the synthesized body is valid");
    assert_eq!(signup.first_name, "wire", "the example breaks maxLength");
    check.record(&values, passed());
    assert_eq!(check.outcome(), Some(&Outcome::Passed));
    assert!(check.attempt().is_none(), "a passed call is not retried");
}

#[test]
fn values_that_do_not_fit_their_type_or_rules_are_told_apart() {
    let mut check = check(json!({
        "body": {"synthesized": {"first_name": "", "email": "wire@example.com", "tags": ["wire"]}},
        "query.limit": {"synthesized": "not a number"},
    }));
    let values = check.attempt().unwrap();
    let Err(Outcome::Synthesis(message)) = values.get::<Signup>("body") else {
        panic!("an empty first_name breaks minLength");
    };
    assert!(message.contains("first_name"), "{message}");
    let Err(Outcome::Argument(message)) = values.get::<i64>("query.limit") else {
        panic!("a string is no integer");
    };
    assert!(message.contains("query.limit"), "{message}");
    assert!(matches!(
        values.get::<i64>("query.nothing"),
        Err(Outcome::Argument(_))
    ));
}

#[test]
fn a_refused_example_is_retried_with_the_value_made_from_the_schema() {
    let mut check = check(json!({
        "query.kind": {"example": "dog", "synthesized": "cat"},
    }));
    let values = check.attempt().unwrap();
    assert_eq!(values.get::<String>("query.kind").unwrap(), "dog");
    check.saw(refused(json!([{
        "location": ["request", "query", "kind"], "severity": "Error", "code": "enum",
        "message": "must be equal to one of the allowed values"
    }])));
    check.record(&values, passed());
    assert!(matches!(check.outcome(), Some(Outcome::Rejected(_))));
    let values = check.attempt().expect("a second attempt");
    assert_eq!(values.get::<String>("query.kind").unwrap(), "cat");
    check.record(&values, passed());
    assert_eq!(check.outcome(), Some(&Outcome::Passed));
    assert!(check.attempt().is_none(), "two attempts at most");
    check.finish();
}

#[test]
fn a_refused_guess_at_a_pattern_is_the_checks_own_fault() {
    let mut check = check(signup_arguments());
    let values = check.attempt().unwrap();
    values.get::<String>("query.code").unwrap();
    let violation = |code: &str| json!([{"location": ["request", "query", "code"], "severity": "Error", "code": code, "message": "bad"}]);
    check.saw(refused(violation("pattern")));
    check.record(&values, passed());
    assert!(
        matches!(check.outcome(), Some(Outcome::Synthesis(m)) if m == "request.query.code: bad")
    );
    check.saw(refused(violation("type")));
    check.record(&values, passed());
    assert!(
        matches!(check.outcome(), Some(Outcome::Rejected(_))),
        "only the pattern was a guess"
    );
    assert!(
        check.attempt().is_none(),
        "no example was sent: nothing to retry"
    );
}

#[test]
fn prisms_own_problems_are_refusals_or_faults_of_the_mock() {
    let problem = |status: u16, kind: &str| {
        Seen {
        status,
        content_type: "application/problem+json".into(),
        violations: None,
        body: json!({
            "type": format!("https://stoplight.io/prism/errors#{kind}"),
            "title": "Something",
            "detail": "more",
            "validation": [{"location": ["response", "body"], "severity": "Error", "message": "must be object"}],
        })
        .to_string()
        .into_bytes(),
    }
    };
    let mut check = check(json!({}));
    let values = check.attempt().unwrap();
    check.saw(problem(401, "UNAUTHORIZED"));
    check.record(&values, passed());
    let Some(Outcome::Rejected(message)) = check.outcome() else {
        panic!("{:?}", check.outcome());
    };
    assert!(
        message.starts_with("401 UNAUTHORIZED: Something"),
        "{message}"
    );
    check.saw(problem(500, "VIOLATIONS"));
    check.record(&values, passed());
    assert_eq!(
        check.outcome(),
        Some(&Outcome::Mock(
            "500 VIOLATIONS: Something; response.body: must be object".into()
        ))
    );
    // A problem body the spec documents is the spec's answer, not Prism's.
    let mut own = problem(404, "NOT_FOUND");
    own.body = br#"{"type":"https://example.com/not-found"}"#.to_vec();
    check.saw(own);
    check.record(&values, Ok(Err::<(), _>(Error::<()>::Api(()))));
    assert_eq!(check.outcome(), Some(&Outcome::Passed));
}

#[test]
fn the_clients_result_decides_when_the_mock_accepted() {
    let mut check = check(json!({}));
    let values = check.attempt().unwrap();
    let cases: Vec<(Result<(), Error<()>>, &str)> = vec![
        (Ok(()), "passed"),
        (Err(Error::Api(())), "passed"),
        (
            Err(Error::Decode {
                status: 200,
                body: Vec::new(),
                path: "id".into(),
                message: "invalid type".into(),
            }),
            "decode",
        ),
        (
            Err(Error::UnexpectedStatus {
                status: 418,
                headers: Default::default(),
                body: Vec::new(),
            }),
            "decode",
        ),
        (Err(Error::Timeout), "transport"),
        (Err(Error::InvalidRequest("header".into())), "request"),
    ];
    for (result, class) in cases {
        check.record(&values, Ok(result));
        assert_eq!(check.outcome().map(Outcome::class), Some(class));
    }
    let not_sent: Result<Result<(), Error<()>>, Outcome> = Err(Outcome::Argument("x".into()));
    check.record(&values, not_sent);
    assert_eq!(check.outcome().map(Outcome::class), Some("argument"));
}

#[test]
fn raw_bodies_are_written_for_their_content_type() {
    let value = json!({"name": "a b", "tags": ["x", "y"], "meta": {"k": "v&w"}, "gone": null});
    assert_eq!(
        String::from_utf8(write_body(&value, "application/x-www-form-urlencoded")).unwrap(),
        "name=a+b&tags=x&tags=y&meta%5Bk%5D=v%26w"
    );
    let multipart = String::from_utf8(write_body(&json!({"n": 1}), "multipart/form-data")).unwrap();
    assert_eq!(
        multipart,
        "--wire-check-boundary\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n--wire-check-boundary--\r\n"
    );
    assert_eq!(write_body(&json!("plain"), "text/plain"), b"plain");
    assert_eq!(
        write_body(&json!({"a": 1}), "application/xml"),
        br#"{"a":1}"#
    );
    let mut check = check(json!({"body": {"synthesized": {"n": 1}}}));
    let values = check.attempt().unwrap();
    assert_eq!(
        values.content_type("multipart/form-data"),
        "multipart/form-data; boundary=wire-check-boundary"
    );
    assert_eq!(
        values.raw("body", "application/json").unwrap(),
        br#"{"n":1}"#
    );
    check.saw(refused(
        json!([{"location": ["request", "body"], "severity": "Error", "message": "bad"}]),
    ));
    check.record(&values, passed());
    assert!(
        matches!(check.outcome(), Some(Outcome::Synthesis(_))),
        "a body the check wrote is its own fault"
    );
}

/// One attempt of `patch_note` through the check's client, as a generated wire test makes it.
async fn patch_note(check: &mut Check, values: &support::Values) {
    let client = check.client(
        params::Client::builder(params::Server::Custom(check.base_url())).credentials(
            api_crate::params::Credentials::new(
                support::CREDENTIAL,
                support::CREDENTIAL,
                support::CREDENTIAL,
            ),
        ),
    );
    let sent = async {
        Ok::<_, Outcome>(
            client
                .patch_note(&values.get::<String>("path.id")?, &values.get("body")?)
                .await,
        )
    }
    .await;
    check.record(values, sent);
}

/// The generated client, built by the check, against a server that answers as Prism does.
#[tokio::test]
async fn the_checks_client_sees_the_mocks_violations() {
    let server = MockServer::start().await;
    let violations = json!([{"location": ["request", "body", "type"], "severity": "Error", "code": "enum", "message": "must be one of"}]);
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("sl-violations", violations.to_string().as_str())
                .set_body_json(json!({"code": 400, "message": "bad"})),
        )
        .mount(&server)
        .await;
    let module = "wire_support_test";
    std::env::set_var(format!("WIRE_URL_{module}"), server.uri());
    let arguments = json!({"path.id": {"synthesized": "n1"}, "body": {"synthesized": {}}});
    let mut check = Check::new(module, "patch_note", "/notes/{id}", &arguments.to_string());
    assert_eq!(check.base_url(), server.uri());
    let values = check.attempt().unwrap();
    patch_note(&mut check, &values).await;
    assert_eq!(
        check.outcome(),
        Some(&Outcome::Rejected(
            "request.body.type: must be one of".into()
        ))
    );
}

/// Prism's own 422, when the spec documents no answer to an invalid request.
fn unprocessable(validation: serde_json::Value) -> Seen {
    Seen {
        status: 422,
        content_type: "application/problem+json".into(),
        violations: None,
        body: json!({
            "type": "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY",
            "title": "Invalid request",
            "validation": validation,
        })
        .to_string()
        .into_bytes(),
    }
}

#[test]
fn the_violations_of_prisms_422_place_the_fault_as_its_header_does() {
    let mut check = check(json!({
        "body": {"example": {"n": 1}, "synthesized": {"n": 2}},
        "path.id": {"synthesized": "AAA-1", "guessed": true},
    }));
    let values = check.attempt().unwrap();
    values.get::<serde_json::Value>("body").unwrap();
    check.saw(unprocessable(json!([
        {"location": ["body"], "severity": "Error", "code": "required", "message": "must have n"}
    ])));
    check.record(&values, passed());
    let values = check.attempt().expect("the refused example is retried");
    assert_eq!(
        values.get::<serde_json::Value>("body").unwrap(),
        json!({"n": 2})
    );
    check.saw(unprocessable(json!([
        {"location": ["path", "id"], "severity": "Error", "code": "pattern", "message": "must match"}
    ])));
    check.record(&values, passed());
    assert_eq!(
        check.outcome(),
        Some(&Outcome::Synthesis("request.path.id: must match".into()))
    );
}

#[test]
fn violations_of_the_mocks_own_answer_cut_short_are_no_refusal() {
    let mut check = check(json!({}));
    let values = check.attempt().unwrap();
    let mut seen = refused(json!([]));
    seen.status = 200;
    seen.content_type = "application/json".into();
    seen.violations = Some(r#"Too many violations! [{"location":["response","body","a"]"#.into());
    check.saw(seen.clone());
    check.record(&values, passed());
    assert_eq!(check.outcome(), Some(&Outcome::Passed));
    seen.violations = Some(r#"Too many violations! [{"location":["request","query","a"]"#.into());
    check.saw(seen);
    check.record(&values, passed());
    assert_eq!(check.outcome().map(Outcome::class), Some("rejected"));
}

#[test]
fn a_path_template_prism_cannot_route_and_a_mock_that_fails_are_told_apart() {
    let no_path = Seen {
        status: 404,
        content_type: "application/problem+json".into(),
        violations: None,
        body: br#"{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"Route not resolved"}"#.to_vec(),
    };
    let mut routed = check(json!({}));
    let values = routed.attempt().unwrap();
    routed.saw(no_path.clone());
    routed.record(&values, passed());
    assert_eq!(routed.outcome().map(Outcome::class), Some("rejected"));
    let mut query = Check::with_url("api", "op", "/current?city={city}", "{}", "http://x".into());
    let values = query.attempt().unwrap();
    query.saw(no_path);
    query.record(&values, passed());
    assert_eq!(query.outcome().map(Outcome::class), Some("unroutable"));
    let failed: Result<(), Error<()>> = Err(Error::UnexpectedStatus {
        status: 500,
        headers: Default::default(),
        body: b"oops".to_vec(),
    });
    query.record(&values, Ok(failed));
    assert_eq!(
        query.outcome(),
        Some(&Outcome::Mock("undocumented status 500: oops".into()))
    );
}

/// An answer whose example breaks the spec is asked for again, made from the schema.
#[tokio::test]
async fn a_mock_answer_that_breaks_the_spec_is_asked_again_from_the_schema() {
    let server = MockServer::start().await;
    let violations = json!([{"location": ["request", "body", "type"], "severity": "Error", "code": "enum", "message": "must be one of"}]);
    Mock::given(wiremock::matchers::header("prefer", "dynamic=true"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("sl-violations", violations.to_string().as_str()),
        )
        .mount(&server)
        .await;
    let broken = json!({
        "type": "https://stoplight.io/prism/errors#VIOLATIONS",
        "title": "Request/Response not valid",
        "validation": [{"location": ["response", "body"], "severity": "Error", "message": "must be object"}],
    });
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(broken),
        )
        .mount(&server)
        .await;
    let arguments = json!({"path.id": {"synthesized": "n1"}, "body": {"synthesized": {}}});
    let mut check = Check::with_url(
        "wire_support_test",
        "patch_note",
        "/notes/{id}",
        &arguments.to_string(),
        server.uri(),
    );
    let mut attempts = 0;
    while let Some(values) = check.attempt() {
        attempts += 1;
        patch_note(&mut check, &values).await;
    }
    assert_eq!(attempts, 2, "one retry, with Prefer: dynamic=true");
    assert_eq!(
        check.outcome(),
        Some(&Outcome::Rejected(
            "request.body.type: must be one of".into()
        ))
    );
}
