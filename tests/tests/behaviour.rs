//! What the generated types do for a user: the fixtures' generated code, compiled into this
//! crate by `build.rs`, exercised through serde and `validate()`.

use codegen_tests::runtime::Validate;
use codegen_tests::*;
use serde_json::json;

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

fn encode<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("encodes")
}

/// Where each violation is and which rule it breaks, in the order `validate` reports them.
fn paths_and_rules(errors: &codegen_tests::runtime::ValidationErrors) -> Vec<(&str, &str)> {
    errors
        .violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect()
}

/// The rules `value` breaks, in the order `validate` reports them.
fn broken_rules(value: &impl Validate) -> Vec<&'static str> {
    let errors = value.validate().expect_err("breaks a rule");
    errors.violations.iter().map(|v| v.rule).collect()
}

#[test]
fn open_enums_keep_unknown_values_and_reencode_them_unchanged() {
    use enums::types::{Status, UserType};
    let known: UserType = decode(json!("service_account"));
    assert_eq!(known, UserType::ServiceAccount);
    let new: UserType = decode(json!("robot"));
    assert_eq!(new, UserType::Unknown("robot".into()));
    assert_eq!(encode(&new), json!("robot"));
    assert_eq!(new.to_string(), "robot");
    assert_eq!("user".parse::<UserType>(), Ok(UserType::User));
    // Values that differ only in case or punctuation stay distinct.
    assert_eq!(decode::<Status>(json!("ACTIVE")), Status::Active2);
    assert_eq!(decode::<Status>(json!("active")), Status::Active);
    assert_eq!(encode(&Status::InProgress2), json!("in_progress"));
    // A listed value named "unknown" keeps its name; the catch-all moves aside.
    assert_eq!(decode::<Status>(json!("unknown")), Status::Unknown);
    assert_eq!(
        decode::<Status>(json!("later")),
        Status::UnknownValue("later".into())
    );
    assert_eq!(decode::<Status>(json!("")), Status::Empty);
}

#[test]
fn nullable_enums_and_inline_enums_are_named_by_position() {
    use enums::types::{Nullable, Thing, ThingStatus, UserType};
    let thing: Thing = decode(json!({"status": "open", "kind": "user", "extra": 1}));
    assert_eq!(
        thing,
        Thing {
            status: ThingStatus::Open,
            kind: Some(UserType::User)
        }
    );
    let none: Option<Nullable> = decode(json!(null));
    assert_eq!(none, None);
}

#[test]
fn a_discriminator_selects_the_variant_and_encoding_keeps_the_tag() {
    use oneof::types::{Cat, Dog, Pet};
    let cat: Pet = decode(json!({"petType": "cat", "name": "Tom"}));
    assert_eq!(cat, Pet::Cat(Cat::new("cat".into(), "Tom".into())));
    // Dog does not declare the tag property; encoding adds it so the server can tell.
    let dog = Pet::Dog(Dog {
        name: "Rex".into(),
        bark: Some(true),
    });
    assert_eq!(
        encode(&dog),
        json!({"petType": "dog", "name": "Rex", "bark": true})
    );
    assert_eq!(decode::<Pet>(encode(&dog)), dog);
    let err =
        serde_json::from_value::<Pet>(json!({"petType": "fish", "name": "Nemo"})).unwrap_err();
    assert!(
        err.to_string().contains("unknown `petType` value `fish`"),
        "{err}"
    );
    // Without its tag a value is read by shape (Cat requires the tag, Dog does not), and
    // written back with the tag of the variant it became.
    let untagged: Pet = decode(json!({"name": "Rex", "bark": true}));
    assert_eq!(untagged, dog);
    assert_eq!(encode(&untagged)["petType"], json!("dog"));
    assert!(serde_json::from_value::<Pet>(json!({"petType": 3, "name": "Rex"})).is_err());
}

#[test]
fn the_union_owns_its_tag_even_when_the_variant_field_says_otherwise() {
    use oneof::types::{Bike, Cat, Pet, Vehicle};
    // Cat keeps `petType` as a field (it is real where Cat is used alone); inside `Pet` the
    // variant decides the tag.
    let wrong = Pet::Cat(Cat::new("dog".into(), "Tom".into()));
    assert_eq!(encode(&wrong), json!({"petType": "cat", "name": "Tom"}));
    assert_eq!(
        encode(&Cat::new("dog".into(), "Tom".into())),
        json!({"petType": "dog", "name": "Tom"})
    );
    let bike = Vehicle::Bike(Bike {
        kind: String::new(),
        gears: Some(21),
    });
    assert_eq!(encode(&bike), json!({"kind": "Bike", "gears": 21}));
}

#[test]
fn alternatives_missing_from_the_mapping_are_tagged_by_schema_name_or_fixed_value() {
    use oneof::types::{Activity, ActivityClick, ActivityClickActivityType, Bike, Vehicle};
    let bike: Vehicle = decode(json!({"kind": "Bike", "gears": 21}));
    assert_eq!(
        bike,
        Vehicle::Bike(Bike {
            kind: "Bike".into(),
            gears: Some(21)
        })
    );
    let click =
        json!({"activity_type": "click", "campaign_id": "c1", "link_clicked": "https://x.test"});
    let decoded: Activity = decode(click.clone());
    assert_eq!(
        decoded,
        Activity::Click(ActivityClick {
            activity_type: Some(ActivityClickActivityType::Click),
            campaign_id: Some("c1".into()),
            link_clicked: Some("https://x.test".into()),
        })
    );
    assert_eq!(encode(&decoded), click);
}

#[test]
fn a_property_fixed_in_every_alternative_tags_the_union() {
    use unions31::types::{Job, Schedule, ScheduleWeekly, ScheduleWeeklyType};
    let weekly = json!({"schedule": {"type": "weekly", "interval": 3}});
    let job: Job = decode(weekly.clone());
    assert_eq!(
        job.schedule,
        Schedule::Weekly(ScheduleWeekly::new(ScheduleWeeklyType::Weekly, 3))
    );
    assert_eq!(encode(&job), weekly);
    let fixed: Schedule = decode(json!({"type": "fixed", "at": "09:00"}));
    assert!(matches!(&fixed, Schedule::Fixed(f) if f.at.as_deref() == Some("09:00")));
    let err = serde_json::from_value::<Schedule>(json!({"type": "daily"})).unwrap_err();
    assert!(
        err.to_string().contains("unknown `type` value `daily`"),
        "{err}"
    );
}

#[test]
fn properties_beside_any_of_belong_to_every_alternative() {
    use oneof::types::{CheckRunUpdate, CheckRunUpdateConclusion as Conclusion};
    let completed = json!({
        "name": "lint",
        "details_url": "https://ci.test/1",
        "status": "completed",
        "conclusion": "success",
        "output": {"title": "All good"},
        "actions": ["rerun"],
    });
    let update: CheckRunUpdate = decode(completed.clone());
    let CheckRunUpdate::WithConclusion(done) = &update else {
        panic!("decoded as {update:?}");
    };
    assert_eq!(done.name.as_deref(), Some("lint"));
    assert_eq!(done.details_url.as_deref(), Some("https://ci.test/1"));
    assert_eq!(done.conclusion, Conclusion::Success);
    assert_eq!(
        done.output.as_ref().map(|o| o.title.as_str()),
        Some("All good")
    );
    assert_eq!(done.actions, Some(vec!["rerun".to_owned()]));
    assert_eq!(encode(&update), completed);
    // Without a conclusion only the second alternative fits; the shared fields stay.
    let queued = json!({"name": "lint", "status": "queued"});
    let update: CheckRunUpdate = decode(queued.clone());
    assert!(matches!(&update, CheckRunUpdate::Variant2(v) if v.name.as_deref() == Some("lint")));
    assert_eq!(encode(&update), queued);
}

#[test]
fn alternatives_that_only_require_properties_are_checked_by_validate() {
    use oneof::types::{CampaignCreate, PagesUpdate};
    let pages: PagesUpdate = decode(json!({"source": "main"}));
    assert_eq!(pages.source.as_deref(), Some("main"));
    assert!(pages.validate().is_ok());
    let errors = PagesUpdate::default()
        .validate()
        .expect_err("no set present");
    assert_eq!(errors.violations[0].rule, "anyOf");
    assert_eq!(
        errors.violations[0].message,
        "must have at least one of these property sets: cname, https_enforced, source; has 0"
    );
    let mut campaign: CampaignCreate = decode(json!({"name": "q3", "code_scanning_alerts": [1]}));
    // The set naming a property the closed object cannot have is never the one present.
    assert!(campaign.validate().is_ok());
    campaign.dependabot_alerts = Some(vec![2]);
    assert_eq!(broken_rules(&campaign), ["oneOf"]);
}

#[test]
fn untagged_unions_decode_by_shape_with_meaningful_variant_names() {
    use oneof::types::{IdOrName, Payment, PaymentIban, SameShape, Shape};
    assert_eq!(decode::<IdOrName>(json!(7)), IdOrName::Integer(7));
    assert_eq!(
        decode::<IdOrName>(json!("seven")),
        IdOrName::String("seven".into())
    );
    assert_eq!(
        decode::<Payment>(json!({"iban": "DE89"})),
        Payment::Iban(PaymentIban::new("DE89".into()))
    );
    assert!(matches!(decode::<Shape>(json!(["a", "b"])), Shape::List(items) if items.len() == 2));
    // Two alternatives that differ only in examples collapse into one plain struct.
    let same: SameShape = decode(json!({"message": "No valid users provided"}));
    assert_eq!(same.message.as_deref(), Some("No valid users provided"));
}

#[test]
fn an_untagged_union_never_drops_members_another_alternative_keeps() {
    use oneof::types::{Courier, Delivery, Pickup};
    let courier: Delivery = decode(json!({"store": "s1", "address": "Main St 1"}));
    assert_eq!(
        courier,
        Delivery::Courier(Courier {
            store: Some("s1".into()),
            address: "Main St 1".into()
        })
    );
    assert_eq!(
        encode(&courier),
        json!({"store": "s1", "address": "Main St 1"})
    );
    let pickup: Delivery = decode(json!({"store": "s1"}));
    assert_eq!(
        pickup,
        Delivery::Pickup(Pickup {
            store: Some("s1".into())
        })
    );
    assert!(serde_json::from_value::<Delivery>(json!("nowhere")).is_err());
}

#[test]
fn all_of_merges_every_part_into_one_struct() {
    use allof::types::{Account, AccountAlias, BaseMeta, Nested};
    let account: Account = decode(json!({
        "id": "a1", "owner": "ada", "created_at": "2024-05-01T10:00:00Z", "meta": {"source": "import"}
    }));
    assert_eq!(account.owner, "ada");
    assert_eq!(
        account.meta,
        Some(BaseMeta {
            source: Some("import".into())
        })
    );
    assert_eq!(
        account.created_at.map(|t| t.to_rfc3339()),
        Some("2024-05-01T10:00:00+00:00".into())
    );
    let alias: AccountAlias = account.clone();
    assert_eq!(alias, account);
    let nested: Nested = decode(json!({"id": "n", "extra": 3}));
    assert_eq!((nested.id.as_str(), nested.extra), ("n", Some(3)));
    // A required field of a part stays required in the merged struct.
    assert!(serde_json::from_value::<Account>(json!({"owner": "x"})).is_err());
}

#[test]
fn object_and_array_keywords_beside_another_type_say_nothing() {
    let value = json!({"code": "111", "positions": {"151": 1}});
    let record: edge_cases::types::Record = decode(value.clone());
    assert_eq!(record.code.as_deref(), Some("111"));
    assert_eq!(record.positions.as_ref().map(|p| p["151"]), Some(1));
    assert_eq!(encode(&record), value);
}

#[test]
fn members_whose_schema_admits_null_keep_it_apart_from_absence() {
    let value = json!({"nothing": null, "anything": null});
    let record: edge_cases::types::Record = decode(value.clone());
    assert_eq!(record.nothing, Some(None));
    assert_eq!(record.anything, Some(serde_json::Value::Null));
    assert_eq!(encode(&record), value);
    assert_eq!(encode(&edge_cases::types::Record::default()), json!({}));
    let mut checker = codegen_tests::runtime::Checker::default();
    edge_cases::types::Record::check_strict_json(&value, &mut checker);
    assert_eq!(checker.into_violations(), []);
}

#[test]
fn recursive_schemas_are_boxed_and_round_trip() {
    use recursion::types::{Expr, Forest, Ping, Pong, Sum, TreeNode};
    let tree = json!({"value": "root", "parent": {"value": "up"}, "children": [{"value": "leaf", "children": []}]});
    let node: TreeNode = decode(tree.clone());
    assert_eq!(node.parent.as_ref().map(|p| p.value.as_str()), Some("up"));
    assert_eq!(encode(&node), tree);
    let ping = Ping {
        pong: Some(Box::new(Pong {
            ping: Some(Box::new(Ping::default())),
        })),
    };
    assert_eq!(encode(&ping), json!({"pong": {"ping": {}}}));
    assert_eq!(
        decode::<Forest>(json!([[], [[]]])),
        Forest(vec![Forest(vec![]), Forest(vec![Forest(vec![])])])
    );
    let expr: Expr = decode(json!({"left": 1, "right": {"left": 2, "right": 3}}));
    let Expr::Sum(sum) = expr else {
        panic!("a sum")
    };
    assert_eq!(*sum.left, Expr::Integer(1));
    assert!(matches!(*sum.right, Expr::Sum(ref inner) if *inner.right == Expr::Integer(3)));
    let _: fn(Box<Expr>, Box<Expr>) -> Sum = Sum::new;
}

#[test]
fn maps_and_free_form_objects() {
    use maps::types::{Anything, Counter, EmptyObject, Holder, Labels, OpenObject, WithExtras};
    let labels: Labels = decode(json!({"b": "2", "a": "1"}));
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["a", "b"]);
    let holder: Holder = decode(json!({
        "labels": {"env": "prod"},
        "counters": {"x": {"count": 2}},
        "inline": {"k": {"note": "n"}},
        "free": {"anything": [1, 2]}
    }));
    assert_eq!(holder.counters.unwrap()["x"], Counter { count: Some(2) });
    assert_eq!(holder.inline.unwrap()["k"].note.as_deref(), Some("n"));
    assert_eq!(holder.free.unwrap()["anything"], json!([1, 2]));
    let unset: maps::types::Settings = decode(json!({"config": null}));
    assert_eq!(unset.config, None, "a nullable free-form object takes null");
    let _: Anything = json!(1);
    // An object of anything is still an object: other JSON does not decode into it.
    let empty: EmptyObject = decode(json!({"any": "member"}));
    assert_eq!(empty["any"], json!("member"));
    for not_an_object in [json!([null, null]), json!("text"), json!(1)] {
        assert!(serde_json::from_value::<EmptyObject>(not_an_object).is_err());
    }
    let open: OpenObject = decode(json!({"x": [true]}));
    assert_eq!(open["x"], json!([true]));
    // Undeclared properties are kept when the schema allows them.
    let extras: WithExtras = decode(json!({"name": "n", "a": 1, "b": 2}));
    assert_eq!(extras.additional_properties.len(), 2);
    assert_eq!(encode(&extras), json!({"name": "n", "a": 1, "b": 2}));
}

#[test]
fn formats_map_to_rust_types() {
    use formats::types::Formats;
    let value = json!({
        "id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "at": "2024-01-02T03:04:05Z", "day": "2024-02-29",
        "small": 2147483647, "big": 9007199254740993_i64, "ratio": 41.397158, "precise": 0.1, "password": "hunter2",
        "api_key": "k", "refresh_token": "r", "token_type": "Bearer"
    });
    let formats: Formats = decode(value.clone());
    assert_eq!(
        formats.id.to_string(),
        "7d444840-9dc0-11d1-b245-5ffdce74fad2"
    );
    assert_eq!(
        formats.day.map(|d| d.to_string()),
        Some("2024-02-29".into())
    );
    assert_eq!(formats.big, Some(9_007_199_254_740_993));
    // `format: float` keeps every digit a vendor sends, more than an `f32` holds.
    assert_eq!(formats.ratio, Some(41.397158));
    assert_eq!(encode(&formats), value);
    // A date-time is written in UTC with the fraction it needs: the normalisation the
    // example round trips of every generated crate expect.
    let mut offset = value.clone();
    offset["at"] = json!("2024-01-01T00:30:00.5+01:00");
    offset["id"] = json!("7D444840-9DC0-11D1-B245-5FFDCE74FAD2");
    let written = encode(&decode::<Formats>(offset));
    assert_eq!(written["at"], json!("2023-12-31T23:30:00.500Z"));
    assert_eq!(written["id"], json!("7d444840-9dc0-11d1-b245-5ffdce74fad2"));
    assert!(serde_json::from_value::<Formats>(
        json!({"id": "not-a-uuid", "at": "2024-01-02T03:04:05Z"})
    )
    .is_err());
    // `format: byte` is bytes, base64 text in JSON; its rules apply to the text.
    let mut blob = value.clone();
    blob["blob"] = json!("d2lyZf8_");
    let decoded = decode::<Formats>(blob);
    assert_eq!(decoded.blob.as_deref(), Some(&b"wire\xff?"[..]));
    assert_eq!(encode(&decoded)["blob"], json!("d2lyZf8/"));
    assert!(decoded.validate().is_ok());
    let long = Formats {
        blob: Some(b"nine byte".to_vec().into()),
        ..decoded
    };
    assert_eq!(broken_rules(&long), ["maxLength"]);
    let mut broken = value.clone();
    broken["blob"] = json!("not base64!");
    assert!(serde_json::from_value::<Formats>(broken).is_err());
    assert!(serde_json::from_value::<Formats>(
        json!({"id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "at": "2024", "small": 1})
    )
    .is_err());
}

#[test]
fn secrets_are_redacted_in_debug_output() {
    use formats::types::Formats;
    let formats: Formats = decode(json!({
        "id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "at": "2024-01-02T03:04:05Z",
        "password": "hunter2", "api_key": "key-123", "refresh_token": "tok-456", "token_type": "Bearer"
    }));
    let debug = format!("{formats:?}");
    for secret in ["hunter2", "key-123", "tok-456"] {
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
    assert!(debug.contains("password: Some([redacted])"), "{debug}");
    assert!(debug.contains("token_type: Some(\"Bearer\")"), "{debug}");
}

#[test]
fn validate_reports_every_violation_with_its_path() {
    use constraints::types::{Address, Signup};
    let mut signup = Signup::new(
        "a much too long first name".into(),
        "not-an-email".into(),
        vec![],
    );
    signup.code = Some("abc-1".into());
    signup.age = Some(12);
    signup.score = Some(0.0);
    let mut paris = Address::new("Paris".into());
    paris.zip = Some("75".into());
    signup.address = Some(paris);
    signup.previous = Some(vec![
        Address::new("Rome".into()),
        Address::new("Berlin".into()),
    ]);
    let errors = signup.validate().unwrap_err();
    let found = paths_and_rules(&errors);
    assert_eq!(
        found,
        [
            ("first_name", "maxLength"),
            ("email", "format"),
            ("code", "pattern"),
            ("age", "minimum"),
            ("score", "minimum"),
            ("tags", "minItems"),
            ("address.city", "maxLength"),
            ("address.zip", "pattern"),
            ("previous[1].city", "maxLength"),
        ]
    );
    assert!(errors.to_string().starts_with(
        "9 validation error(s); first_name: must be at most 10 characters long, is 26"
    ));

    let mut ok = Signup::new(
        "Ada".into(),
        "ada@example.com".into(),
        vec!["a".into(), "b".into()],
    );
    ok.code = Some("ABC-42".into());
    ok.score = Some(1.0);
    assert_eq!(ok.validate(), Ok(()));
    ok.tags = vec!["x".into(), "x".into(), "toolong".into(), "y".into()];
    assert_eq!(broken_rules(&ok), ["maxItems", "uniqueItems", "maxLength"]);
}

#[test]
fn structs_decode_from_objects_only_never_from_arrays() {
    use constraints::types::{Address, Signup};
    // serde's positional form of a struct is not JSON Schema's object.
    let err = serde_json::from_value::<Address>(json!(["Oslo"])).unwrap_err();
    assert!(err.to_string().contains("invalid type: sequence"), "{err}");
    let nested =
        json!({"first_name": "Ada", "email": "a@b.io", "tags": ["x"], "address": ["Oslo"]});
    assert!(serde_json::from_value::<Signup>(nested).is_err());
    let address: Address = decode(json!({"city": "Oslo"}));
    assert_eq!(encode(&address), json!({"city": "Oslo"}));
}

#[test]
fn rules_of_named_aliases_apply_to_the_fields_that_use_them() {
    use codegen_tests::runtime::Checker;
    use constraints::types::Address;
    let mut address = Address::new("Oslo".into());
    address.note = Some(Some("far too long".into()));
    address.floor = Some(-1);
    address.lines = Some(vec![None, Some(Some("abcdefg".into())), Some(None)]);
    let errors = address.validate().unwrap_err();
    let found = paths_and_rules(&errors);
    assert_eq!(
        found,
        [
            ("note", "maxLength"),
            ("floor", "minimum"),
            ("lines", "maxItems"),
            ("lines[1]", "maxLength"),
        ]
    );
    // The alias is nullable, so `null` is a value of the field, not a tolerated absence.
    let with_null = json!({"city": "Oslo", "note": null, "zip": null});
    let mut checker = Checker::default();
    Address::check_strict_json(&with_null, &mut checker);
    let rejected: Vec<String> = checker
        .into_violations()
        .into_iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(rejected, ["zip"]);
    let decoded: Address = decode(with_null);
    assert_eq!(decoded.note, Some(None), "sent as null, not left out");
    assert_eq!(decoded.validate(), Ok(()));
}

#[test]
fn openapi_31_nullability_const_and_exclusive_bounds() {
    use nullable31::types::{Link, Record, RecordEither, RecordKind};
    let record: Record = decode(
        json!({"name": null, "note": "n", "link": {"href": "/x"}, "kind": "record", "count": 10}),
    );
    assert_eq!(record.name, None);
    assert_eq!(
        record.link,
        Some(Link {
            href: Some("/x".into())
        })
    );
    assert_eq!(record.kind, Some(RecordKind::Record));
    // Required nullable fields are sent as null; unset optional ones are left out.
    assert_eq!(
        encode(&Record::default()),
        json!({"name": null, "note": null, "link": null})
    );
    assert_eq!(broken_rules(&record), ["maximum"]);
    assert_eq!(decode::<RecordEither>(json!(3)), RecordEither::Integer(3));
    let home: Option<Link> = Record::default().home;
    assert_eq!(home, None);
    // `contentEncoding` is an annotation in JSON Schema: any string is valid, so it stays one.
    let avatar: Record =
        decode(json!({"name": null, "note": null, "link": null, "avatar": "not base64!"}));
    assert_eq!(avatar.avatar.as_deref(), Some("not base64!"));
}

#[test]
fn keywords_and_odd_names_become_valid_identifiers_with_wire_names_kept() {
    use keywords::types::{MySchemaV2, Self_, Type, V2dPoint};
    let value = json!({"self": "s", "match": "m", "async": true, "2fa": false, "x-rate-limit": 5, "@id": "i", "-": "d", "Self": "S", "gen": "g"});
    let t: Type = decode(value.clone());
    assert_eq!(
        (
            t.self_.as_str(),
            t.match_.as_str(),
            t._2fa,
            t.self_2.as_deref()
        ),
        ("s", "m", Some(false), Some("S"))
    );
    assert_eq!(encode(&t), value);
    let odd: MySchemaV2 = decode(json!({"a/b~c": "1", "quote\"in name": "2"}));
    assert_eq!(
        (odd.a_b_c.as_deref(), odd.quote_in_name.as_deref()),
        (Some("1"), Some("2"))
    );
    let _: Self_ = String::new();
    let _ = V2dPoint::default();
}

#[test]
fn a_server_refuses_a_missing_required_null_and_a_property_a_closed_object_lacks() {
    use codegen_tests::runtime::{Checker, Validate as _};
    use constraints::types::Parcel;
    let violations = |json: serde_json::Value| {
        let mut checker = Checker::default();
        Parcel::check_strict_json(&json, &mut checker);
        let found: Vec<(String, &str)> = checker
            .into_violations()
            .into_iter()
            .map(|v| (v.path, v.rule))
            .collect();
        found
    };
    assert_eq!(violations(json!({"weight": 2, "recipient": null})), []);
    assert_eq!(
        violations(json!({"weight": 2})),
        [("recipient".to_owned(), "required")],
        "null is a value; absence is not"
    );
    assert_eq!(
        violations(json!({"weight": 2, "recipient": "Ann", "colour": "red"})),
        [(String::new(), "additionalProperties")]
    );
    // Decoding alone tolerates both: the strict check is what the servers add.
    let parcel: Parcel = decode(json!({"weight": 2, "colour": "red"}));
    assert_eq!(parcel.recipient, None);
}

#[test]
fn items_without_a_type_keep_lists_typed_and_other_values_whole() {
    use loose::types::{Channel, Thing, ThingChannel};
    let object: Thing = decode(json!({"id": "C1", "channel": {"name": "general"}}));
    assert_eq!(
        object.channel,
        ThingChannel::Other(json!({"name": "general"})),
        "Slack's objects described by `items` alone still decode"
    );
    let list: Thing = decode(json!({"id": "C1", "channel": [{"name": "general"}]}));
    let ThingChannel::List(channels) = &list.channel else {
        panic!("an array is the typed list: {list:?}");
    };
    assert_eq!(
        channels[0],
        Channel {
            name: Some("general".into())
        }
    );
    assert_eq!(
        encode(&object),
        json!({"id": "C1", "channel": {"name": "general"}})
    );
}

#[test]
fn a_required_property_without_a_schema_is_a_field_that_must_be_present() {
    use loose::types::Group;
    let group: Group = decode(json!({"Name": "HR", "LegalName": {"fr": "RH"}}));
    assert_eq!(group.legal_name, json!({"fr": "RH"}));
    assert_eq!(
        encode(&group),
        json!({"Name": "HR", "LegalName": {"fr": "RH"}})
    );
    let missing = serde_json::from_value::<Group>(json!({"Name": "HR"})).unwrap_err();
    assert!(missing.to_string().contains("LegalName"), "{missing}");
}

#[test]
fn property_counts_are_checked_on_the_properties_present() {
    use constraints::types::Change;
    assert_eq!(broken_rules(&Change::default()), ["minProperties"]);
    let one = Change {
        name: Some("Rex".into()),
        ..Change::default()
    };
    assert!(one.validate().is_ok());
    let three = Change {
        name: Some("Rex".into()),
        floor: Some(2),
        zip: Some("12345".into()),
    };
    assert_eq!(broken_rules(&three), ["maxProperties"]);
}

#[test]
fn a_null_member_is_a_property_present_and_null_not_an_absent_one() {
    use constraints::types::Rename;
    let null: Rename = decode(json!({"nickname": null}));
    assert_eq!(null.nickname, Some(None));
    assert!(
        null.validate().is_ok(),
        "a null member counts for minProperties"
    );
    assert_eq!(encode(&null), json!({"nickname": null}));
    let absent: Rename = decode(json!({}));
    assert_eq!(absent.nickname, None);
    assert_eq!(broken_rules(&absent), ["minProperties"]);
    assert_eq!(encode(&absent), json!({}));
}

#[test]
fn a_multipart_body_keeps_required_empty_lists_and_nulls_on_the_way_back() {
    use codegen_tests::runtime::{
        from_parts, parse_multipart, FilePart, MultipartWriter, ToMultipart,
    };
    use edge_cases::types::{Filter, LegacyUploadRequest};
    let sent = LegacyUploadRequest {
        picture: Some(FilePart::new(b"\x89PNG".to_vec()).file_name("p.png")),
        pages: Some(vec![vec![Filter {
            tag: Some("a".into()),
        }]]),
        ..LegacyUploadRequest::new(Vec::new())
    };
    let mut parts = MultipartWriter::new();
    sent.write_parts(&mut parts);
    let (content_type, body) = parts.finish();
    let body = body.into_whole().expect("parts in memory are held whole");
    let parts = parse_multipart(&content_type, &body).expect("parts");
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["picture", "labels", "caption", "pages"]);
    let read: LegacyUploadRequest = from_parts(parts).expect("read back");
    assert_eq!(
        read.picture.as_ref().and_then(FilePart::bytes),
        Some(&b"\x89PNG"[..])
    );
    assert_eq!((read.labels, read.caption), (Vec::<String>::new(), None));
    assert_eq!(read.pages, sent.pages);
}
