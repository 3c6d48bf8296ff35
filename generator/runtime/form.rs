//! `application/x-www-form-urlencoded` bodies as OpenAPI 3 `encoding` objects describe them
//! (`style` and `explode` per property): written by the clients ([`encode_form`]), read by the
//! servers ([`decode_form`], then [`from_form`] into the generated type).
//!
//! Spellings checked against Prism 5.16, the validating mock the project tests with:
//! - a space is written `%20`: Prism refuses `+` in a property that has an `encoding` entry (a
//!   reserved character to it), and every form decoder reads both as a space;
//! - the delimiters of a joined value are escaped like any reserved character (`a%2Cb`): Prism
//!   refuses a bare `,`;
//! - deepObject arrays are indexed (`expand[0]=a`, `items[0][price]=p`), as Stripe's own
//!   libraries send them: Prism reads `expand[]=a` as an empty list;
//! - deepObject brackets are escaped (`%5B`, `%5D`): servers decode a key before parsing it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess};
use serde::de::{EnumAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

/// How one property of a form body is written: OpenAPI `encoding.style` and `explode`.
/// `spaceDelimited` and `pipeDelimited` with `explode: true` are written as
/// `Form { explode: true }`, as OpenAPI defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// `name=a&name=b` (explode) or `name=a,b`; an exploded object spreads its members.
    Form { explode: bool },
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key][inner]=v`, arrays indexed: `name[0]=a`.
    DeepObject,
}

impl FormStyle {
    /// The separator of a value written as one pair; `None` for the styles that repeat pairs.
    fn delimiter(self) -> Option<char> {
        match self {
            FormStyle::Form { explode: false } => Some(','),
            FormStyle::SpaceDelimited => Some(' '),
            FormStyle::PipeDelimited => Some('|'),
            FormStyle::Form { explode: true } | FormStyle::DeepObject => None,
        }
    }
}

/// The style `styles` gives `name`, else OpenAPI's default for form bodies.
fn style_of(name: &str, styles: &[(&str, FormStyle)]) -> FormStyle {
    styles
        .iter()
        .find(|(property, _)| *property == name)
        .map_or(FormStyle::Form { explode: true }, |(_, style)| *style)
}

/// The body (a JSON object: the serde serialization of the generated body struct) as form text.
/// `styles` lists (property name, style) for properties whose `encoding` the spec gives; any
/// other property is `Form { explode: true }` (OpenAPI's default).
///
/// A member that is `null`, or an empty list or object, is `name=`: a form has no `null` and
/// no empty list, and a property it leaves out would be missing, not empty (an optional one
/// that is unset never gets here). A value its style cannot nest (an object inside a form list, a list
/// inside an exploded object) is written as its JSON text. A body that is not an object has
/// no names to write, so it gives an empty text.
pub fn encode_form(body: &Value, styles: &[(&str, FormStyle)]) -> String {
    let mut form = FormWriter::default();
    if let Value::Object(members) = body {
        for (name, value) in members {
            form.property(name, value, style_of(name, styles));
        }
    }
    form.text
}

#[derive(Default)]
struct FormWriter {
    text: String,
}

impl FormWriter {
    fn pair(&mut self, key: &str, value: &str) {
        if !self.text.is_empty() {
            self.text.push('&');
        }
        percent_encode(key, &mut self.text);
        self.text.push('=');
        percent_encode(value, &mut self.text);
    }

    fn property(&mut self, name: &str, value: &Value, style: FormStyle) {
        match (value, style.delimiter()) {
            (Value::Null, _) => self.pair(name, ""),
            (Value::Array(items), _) if items.is_empty() => self.pair(name, ""),
            (Value::Object(members), _) if present_members(members).next().is_none() => {
                self.pair(name, "")
            }
            (Value::Array(_) | Value::Object(_), _) if style == FormStyle::DeepObject => {
                self.deep(name.to_owned(), value);
            }
            (Value::Array(items), Some(delimiter)) => {
                self.pair(name, &join(items.iter().map(leaf_text), delimiter));
            }
            (Value::Array(items), None) => {
                for item in items {
                    self.pair(name, &leaf_text(item));
                }
            }
            (Value::Object(members), Some(delimiter)) => {
                let keys_and_values = present_members(members)
                    .flat_map(|(key, member)| [Cow::Borrowed(key.as_str()), leaf_text(member)]);
                self.pair(name, &join(keys_and_values, delimiter));
            }
            (Value::Object(members), None) => {
                for (key, member) in present_members(members) {
                    self.pair(key, &leaf_text(member));
                }
            }
            (scalar, _) => self.pair(name, &leaf_text(scalar)),
        }
    }

    /// deepObject: every leaf under its bracketed path. A null list item is written empty so
    /// the indices after it keep their places.
    fn deep(&mut self, key: String, value: &Value) {
        match value {
            Value::Object(members) => {
                for (name, member) in present_members(members) {
                    self.deep(format!("{key}[{name}]"), member);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.deep(format!("{key}[{index}]"), item);
                }
            }
            leaf => self.pair(&key, &leaf_text(leaf)),
        }
    }
}

fn present_members(members: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    members.iter().filter(|(_, member)| !member.is_null())
}

/// A value as the text of one pair: a string as itself, null as nothing, anything else as
/// its JSON text.
fn leaf_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

fn join<'a>(parts: impl Iterator<Item = Cow<'a, str>>, delimiter: char) -> String {
    let mut joined = String::new();
    for (index, part) in parts.enumerate() {
        if index > 0 {
            joined.push(delimiter);
        }
        joined.push_str(&part);
    }
    joined
}

/// Escapes all but the unreserved characters, as UTF-8 bytes.
fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// Decodes `%XX` escapes and `+` as a space; a broken escape stays as written and bytes that
/// are not UTF-8 become U+FFFD.
fn percent_decode(text: &str) -> String {
    String::from_utf8_lossy(&super::percent::percent_decode(text, true)).into_owned()
}

/// Bracket levels a key may have; a deeper key is kept whole, so hostile input cannot
/// recurse without bound.
const MAX_DEPTH: usize = 32;

/// Form text back into a JSON object whose leaves are strings (the server does not know the
/// types here), nesting `a[b][c]=v` into objects and repeated keys / `a[]=x` / `a[0]=x` into
/// arrays as the style of property `a` says.
///
/// Keys are decoded before their brackets are read, so `a%5Bb%5D` is `a[b]`. Brackets are
/// read whatever the style, as many clients send `a[]=x`. Objects whose keys are exactly
/// `0..n` become arrays. A joined style's value is split on its delimiter when it has one;
/// the text cannot tell a joined object from a list, so `obj=k,v` gives `["k", "v"]`. A
/// string clashing with an earlier object (`a[b]=1&a=2`) replaces it, and a malformed or too
/// deep key is kept whole. Members of an exploded form object come back at the top level.
pub fn decode_form(text: &str, styles: &[(&str, FormStyle)]) -> Value {
    let mut form = Map::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (percent_decode(key), percent_decode(value));
        let (name, path) = split_key(&key).unwrap_or((&key, Vec::new()));
        let slot = form.entry(name).or_insert(Value::Null);
        *slot = add(slot.take(), &path, value);
    }
    for (name, value) in form.iter_mut() {
        lists_from_indices(value);
        if let Some(delimiter) = style_of(name, styles).delimiter() {
            split_delimited(value, delimiter);
        }
    }
    Value::Object(form)
}

/// `name[a][]` as `("name", ["a", ""])`; `None` for a key without well-formed brackets.
fn split_key(key: &str) -> Option<(&str, Vec<&str>)> {
    let (name, mut rest) = key.split_at(key.find('[')?);
    let mut path = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let (segment, after) = inner.split_once(']')?;
        path.push(segment);
        rest = after;
    }
    (!name.is_empty() && path.len() <= MAX_DEPTH).then_some((name, path))
}

/// `slot` with `value` added at `path` below it: an empty segment appends to a list.
fn add(slot: Value, path: &[&str], value: String) -> Value {
    let Some((segment, rest)) = path.split_first() else {
        return add_leaf(slot, value);
    };
    if segment.is_empty() {
        let mut items = match slot {
            Value::Array(items) => items,
            Value::String(text) => vec![Value::String(text)],
            _ => Vec::new(),
        };
        items.push(add(Value::Null, rest, value));
        return Value::Array(items);
    }
    let mut members = match slot {
        Value::Object(members) => members,
        _ => Map::new(),
    };
    let member = members.entry(*segment).or_insert(Value::Null);
    *member = add(member.take(), rest, value);
    Value::Object(members)
}

/// A repeated key makes a list.
fn add_leaf(slot: Value, value: String) -> Value {
    match slot {
        Value::String(first) => Value::Array(vec![Value::String(first), Value::String(value)]),
        Value::Array(mut items) => {
            items.push(Value::String(value));
            Value::Array(items)
        }
        _ => Value::String(value),
    }
}

/// Objects keyed exactly `0..n` (`a[0]=x&a[1]=y`) as arrays, all the way down.
fn lists_from_indices(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(lists_from_indices),
        Value::Object(members) => {
            members.values_mut().for_each(lists_from_indices);
            if let Some(items) = dense_items(members) {
                *value = Value::Array(items);
            }
        }
        _ => {}
    }
}

fn dense_items(members: &mut Map<String, Value>) -> Option<Vec<Value>> {
    let count = members.len();
    let indices: Vec<usize> = members
        .keys()
        .map(|key| index_of(key).filter(|index| *index < count))
        .collect::<Option<_>>()?;
    if count == 0 {
        return None;
    }
    // Distinct keys below `count` are a permutation of `0..count`.
    let mut items = vec![Value::Null; count];
    for (index, member) in indices.into_iter().zip(members.values_mut()) {
        if let Some(item) = items.get_mut(index) {
            *item = member.take();
        }
    }
    Some(items)
}

/// A key spelling a list index in canonical form: `0`, `12`, not `01` or `+1`.
fn index_of(key: &str) -> Option<usize> {
    let canonical = key == "0" || !key.starts_with('0');
    if canonical && key.bytes().all(|byte| byte.is_ascii_digit()) {
        key.parse().ok()
    } else {
        None
    }
}

fn split_delimited(value: &mut Value, delimiter: char) {
    let split = |item: Value| match item {
        Value::String(text) if text.contains(delimiter) => text
            .split(delimiter)
            .map(|part| Value::String(part.to_owned()))
            .collect(),
        other => vec![other],
    };
    *value = match value.take() {
        Value::Array(items) => Value::Array(items.into_iter().flat_map(split).collect()),
        Value::String(text) if text.contains(delimiter) => Value::Array(split(Value::String(text))),
        other => other,
    };
}

/// Deserializes a generated type from a decoded form: a string leaf is read as the number or
/// boolean the type asks for, a single value as a list of one where the type wants a list, an
/// empty string as `None` where it wants an `Option` (and as an empty list or map), an object
/// keyed by indices as a list, a list as a map keyed by indices. Where the type takes any
/// value (`serde_json::Value`), a string leaf stays a string.
///
/// The error is text naming the path of the field at fault, `metadata.order_id: ...` or
/// `items[1].quantity: ...`, ready for a 400 answer.
///
/// serde hands `#[serde(flatten)]` members and untagged unions a buffered copy of the value
/// that it reads itself, so the strings there cannot be coerced on demand; when the first
/// reading fails, a second one reads every numeric or boolean string as a number or boolean
/// (and an empty one as null) before serde sees it. The first reading's error is reported if
/// both fail.
pub fn from_form<T: de::DeserializeOwned>(form: Value) -> Result<T, String> {
    T::deserialize(FormDeserializer::new(&form, false)).or_else(|first| {
        T::deserialize(FormDeserializer::new(&form, true)).map_err(|_| first.to_string())
    })
}

/// A failure of [`from_form`]; the path is innermost first, as it is filled in on the way out.
#[derive(Debug)]
struct FormError {
    path: Vec<PathSegment>,
    message: String,
}

#[derive(Debug)]
enum PathSegment {
    Key(String),
    Index(usize),
}

impl FormError {
    fn within(mut self, segment: PathSegment) -> Self {
        self.path.push(segment);
        self
    }
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                PathSegment::Key(key) if path.is_empty() => path.push_str(key),
                PathSegment::Key(key) => {
                    path.push('.');
                    path.push_str(key);
                }
                PathSegment::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        if path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

impl std::error::Error for FormError {}

impl de::Error for FormError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        FormError {
            path: Vec::new(),
            message: message.to_string(),
        }
    }
}

fn parse_text<T: std::str::FromStr>(text: &str) -> Result<T, FormError>
where
    T::Err: fmt::Display,
{
    text.parse()
        .map_err(|err| de::Error::custom(format!("{text:?} is not valid: {err}")))
}

/// `f64` parsing also takes `inf` and `NaN`, which no JSON number is.
fn parse_finite(text: &str) -> Result<f64, FormError> {
    match parse_text::<f64>(text)? {
        number if number.is_finite() => Ok(number),
        _ => Err(de::Error::custom(format!(
            "{text:?} is not a finite number"
        ))),
    }
}

/// Reads a decoded form (or any JSON value) with the coercions of [`from_form`].
#[derive(Clone, Copy)]
struct FormDeserializer<'de> {
    value: &'de Value,
    /// The second reading: strings under `deserialize_any` are taken for what they spell.
    guess_scalars: bool,
}

impl<'de> FormDeserializer<'de> {
    fn new(value: &'de Value, guess_scalars: bool) -> Self {
        FormDeserializer {
            value,
            guess_scalars,
        }
    }

    fn seq<V: Visitor<'de>>(
        self,
        items: impl Iterator<Item = &'de Value> + 'de,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        visitor.visit_seq(FormSeq {
            items: Box::new(items),
            index: 0,
            guess_scalars: self.guess_scalars,
        })
    }

    fn map<V: Visitor<'de>>(
        self,
        entries: impl Iterator<Item = (Cow<'de, str>, &'de Value)> + 'de,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        visitor.visit_map(FormMap {
            entries: Box::new(entries),
            pending: None,
            guess_scalars: self.guess_scalars,
        })
    }
}

fn visit_number<'de, V: Visitor<'de>>(number: &Number, visitor: V) -> Result<V::Value, FormError> {
    match (number.as_u64(), number.as_i64(), number.as_f64()) {
        (Some(unsigned), _, _) => visitor.visit_u64(unsigned),
        (None, Some(signed), _) => visitor.visit_i64(signed),
        (None, None, Some(float)) => visitor.visit_f64(float),
        (None, None, None) => visitor.visit_str(&number.to_string()),
    }
}

/// A string as the scalar it spells, for the second reading of [`from_form`].
fn visit_guessed<'de, V: Visitor<'de>>(text: &'de str, visitor: V) -> Result<V::Value, FormError> {
    let numeric = text.bytes().any(|byte| byte.is_ascii_digit())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E'));
    match text {
        "" => visitor.visit_unit(),
        "true" => visitor.visit_bool(true),
        "false" => visitor.visit_bool(false),
        _ if numeric => match (text.parse::<i64>(), text.parse::<u64>(), parse_finite(text)) {
            (Ok(signed), _, _) => visitor.visit_i64(signed),
            (_, Ok(unsigned), _) => visitor.visit_u64(unsigned),
            (_, _, Ok(float)) => visitor.visit_f64(float),
            _ => visitor.visit_borrowed_str(text),
        },
        _ => visitor.visit_borrowed_str(text),
    }
}

/// Numbers and booleans parsed from a string leaf; any other value as it is.
macro_rules! parsed_from_text {
    ($($method:ident: $parsed:ty => $visit:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
            match self.value {
                Value::String(text) => visitor.$visit(parse_text::<$parsed>(text)?),
                _ => self.deserialize_any(visitor),
            }
        })*
    };
}

impl<'de> Deserializer<'de> for FormDeserializer<'de> {
    type Error = FormError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(flag) => visitor.visit_bool(*flag),
            Value::Number(number) => visit_number(number, visitor),
            Value::String(text) if self.guess_scalars => visit_guessed(text, visitor),
            Value::String(text) => visitor.visit_borrowed_str(text),
            Value::Array(items) => self.seq(items.iter(), visitor),
            Value::Object(members) => self.map(borrowed_entries(members), visitor),
        }
    }

    parsed_from_text! {
        deserialize_bool: bool => visit_bool,
        deserialize_i8: i64 => visit_i64,
        deserialize_i16: i64 => visit_i64,
        deserialize_i32: i64 => visit_i64,
        deserialize_i64: i64 => visit_i64,
        deserialize_i128: i128 => visit_i128,
        deserialize_u8: u64 => visit_u64,
        deserialize_u16: u64 => visit_u64,
        deserialize_u32: u64 => visit_u64,
        deserialize_u64: u64 => visit_u64,
        deserialize_u128: u128 => visit_u128,
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::String(text) => visitor.visit_f64(parse_finite(text)?),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::String(text) => visitor.visit_borrowed_str(text),
            // A number or boolean comes from a JSON part, where a string is written as one.
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        self.deserialize_any(visitor)
    }

    /// A form cannot send null, so an empty value stands for it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::String(text) if text.is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::String(text) if text.is_empty() => visitor.visit_unit(),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::Array(items) => self.seq(items.iter(), visitor),
            Value::String(text) if text.is_empty() => self.seq(std::iter::empty(), visitor),
            Value::Object(members) => match indexed_members(members) {
                Some(items) => self.seq(items.into_iter(), visitor),
                None => self.seq(std::iter::once(self.value), visitor),
            },
            _ => self.seq(std::iter::once(self.value), visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match self.value {
            Value::Object(members) => self.map(borrowed_entries(members), visitor),
            Value::Array(items) => {
                let entries = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| (Cow::Owned(index.to_string()), item));
                self.map(entries, visitor)
            }
            Value::String(text) if text.is_empty() => self.map(std::iter::empty(), visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_map(visitor)
    }

    /// A unit variant from its name; another variant from an object of one member.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormError> {
        match self.value {
            Value::String(text) => {
                visitor.visit_enum(de::value::BorrowedStrDeserializer::<FormError>::new(text))
            }
            Value::Object(members) if members.len() == 1 => visitor.visit_enum(FormVariant {
                members,
                guess_scalars: self.guess_scalars,
            }),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        visitor.visit_unit()
    }
}

fn borrowed_entries(
    members: &Map<String, Value>,
) -> impl Iterator<Item = (Cow<'_, str>, &Value)> + '_ {
    members
        .iter()
        .map(|(key, member)| (Cow::Borrowed(key.as_str()), member))
}

/// The members of an object keyed by list indices (`a[0]`, `a[5]`: a list with gaps), in
/// index order; `None` when a key is not an index.
fn indexed_members(members: &Map<String, Value>) -> Option<Vec<&Value>> {
    let mut indexed: Vec<(usize, &Value)> = members
        .iter()
        .map(|(key, member)| index_of(key).map(|index| (index, member)))
        .collect::<Option<_>>()?;
    indexed.sort_by_key(|(index, _)| *index);
    Some(indexed.into_iter().map(|(_, member)| member).collect())
}

struct FormSeq<'de> {
    items: Box<dyn Iterator<Item = &'de Value> + 'de>,
    index: usize,
    guess_scalars: bool,
}

impl<'de> SeqAccess<'de> for FormSeq<'de> {
    type Error = FormError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, FormError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(FormDeserializer::new(item, self.guess_scalars))
            .map(Some)
            .map_err(|err| err.within(PathSegment::Index(index)))
    }
}

type Entries<'de> = Box<dyn Iterator<Item = (Cow<'de, str>, &'de Value)> + 'de>;

struct FormMap<'de> {
    entries: Entries<'de>,
    /// The entry whose key was read and whose value is next.
    pending: Option<(Cow<'de, str>, &'de Value)>,
    guess_scalars: bool,
}

impl<'de> MapAccess<'de> for FormMap<'de> {
    type Error = FormError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, FormError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let read = seed.deserialize(IntoDeserializer::<FormError>::into_deserializer(
            key.clone(),
        ));
        self.pending = Some((key, value));
        read.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, FormError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom(
                "a map value was asked for before its key",
            ));
        };
        seed.deserialize(FormDeserializer::new(value, self.guess_scalars))
            .map_err(|err| err.within(PathSegment::Key(key.into_owned())))
    }
}

/// An externally tagged variant: `{"variant": content}`.
struct FormVariant<'de> {
    members: &'de Map<String, Value>,
    guess_scalars: bool,
}

impl<'de> EnumAccess<'de> for FormVariant<'de> {
    type Error = FormError;
    type Variant = FormDeserializer<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), FormError> {
        let Some((name, content)) = self.members.iter().next() else {
            return Err(de::Error::custom("an enum variant needs a name"));
        };
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::new(name))?;
        Ok((variant, FormDeserializer::new(content, self.guess_scalars)))
    }
}

impl<'de> VariantAccess<'de> for FormDeserializer<'de> {
    type Error = FormError;

    fn unit_variant(self) -> Result<(), FormError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, FormError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormError> {
        self.deserialize_map(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    const DEEP: FormStyle = FormStyle::DeepObject;
    const EXPLODED: FormStyle = FormStyle::Form { explode: true };
    const JOINED: FormStyle = FormStyle::Form { explode: false };

    // Members are in alphabetical order so the text is the same with or without serde_json's
    // `preserve_order`.
    #[test]
    fn a_stripe_like_customer_encodes_to_the_exact_text() {
        let customer = json!({
            "email": "jenny.rosen@example.com",
            "expand": ["customer", "invoice"],
            "items": [{"price": "price_1", "quantity": 2}],
            "metadata": {"order_id": "6735"},
        });
        let styles = [("metadata", DEEP), ("expand", DEEP), ("items", DEEP)];
        assert_eq!(
            encode_form(&customer, &styles),
            "email=jenny.rosen%40example.com\
             &expand%5B0%5D=customer&expand%5B1%5D=invoice\
             &items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2\
             &metadata%5Border_id%5D=6735"
        );
    }

    #[test]
    fn arrays_follow_explode_and_the_delimited_styles() {
        let body = json!({"colors": ["blue", "black"]});
        let cases = [
            (EXPLODED, "colors=blue&colors=black"),
            (JOINED, "colors=blue%2Cblack"),
            (FormStyle::SpaceDelimited, "colors=blue%20black"),
            (FormStyle::PipeDelimited, "colors=blue%7Cblack"),
            (DEEP, "colors%5B0%5D=blue&colors%5B1%5D=black"),
        ];
        for (style, text) in cases {
            assert_eq!(encode_form(&body, &[("colors", style)]), text, "{style:?}");
        }
        assert_eq!(encode_form(&body, &[]), "colors=blue&colors=black");
        // An empty list is there, and empty, in every style.
        let empty = json!({"colors": []});
        assert_eq!(encode_form(&empty, &[]), "colors=");
        assert_eq!(encode_form(&empty, &[("colors", DEEP)]), "colors=");
        assert_eq!(encode_form(&empty, &[("colors", JOINED)]), "colors=");
    }

    #[test]
    fn objects_spread_their_members_or_join_keys_and_values() {
        let body = json!({"point": {"b": 150, "g": 200, "r": 100}});
        let cases = [
            (EXPLODED, "b=150&g=200&r=100"),
            (JOINED, "point=b%2C150%2Cg%2C200%2Cr%2C100"),
            (
                FormStyle::SpaceDelimited,
                "point=b%20150%20g%20200%20r%20100",
            ),
            (
                FormStyle::PipeDelimited,
                "point=b%7C150%7Cg%7C200%7Cr%7C100",
            ),
            (DEEP, "point%5Bb%5D=150&point%5Bg%5D=200&point%5Br%5D=100"),
        ];
        for (style, text) in cases {
            assert_eq!(encode_form(&body, &[("point", style)]), text, "{style:?}");
        }
    }

    #[test]
    fn deep_objects_nest_all_the_way_and_index_their_arrays() {
        let body = json!({
            "card": {"address": {"city": "Paris", "line2": null}, "tags": ["a", null, "b"]},
        });
        assert_eq!(
            encode_form(&body, &[("card", DEEP)]),
            "card%5Baddress%5D%5Bcity%5D=Paris\
             &card%5Btags%5D%5B0%5D=a&card%5Btags%5D%5B1%5D=&card%5Btags%5D%5B2%5D=b"
        );
    }

    #[test]
    fn nulls_are_empty_and_scalars_are_their_json_text() {
        let body = json!({"absent": null, "count": 3, "flag": true, "name": "x", "price": 1.5});
        let text = "absent=&count=3&flag=true&name=x&price=1.5";
        assert_eq!(encode_form(&body, &[]), text);
        assert_eq!(
            encode_form(&body, &[("count", DEEP), ("name", JOINED)]),
            text
        );
        assert_eq!(encode_form(&json!(["not", "an", "object"]), &[]), "");
        assert_eq!(encode_form(&json!({"m": {"gone": null}}), &[]), "m=");
    }

    #[test]
    fn values_a_style_cannot_nest_are_their_json_text() {
        let body = json!({"lines": [{"p": 1}], "obj": {"tags": ["a"]}});
        assert_eq!(
            encode_form(&body, &[]),
            "lines=%7B%22p%22%3A1%7D&tags=%5B%22a%22%5D"
        );
        let decoded = decode_form("lines=%7B%22p%22%3A1%7D", &[]);
        assert_eq!(decoded, json!({"lines": r#"{"p":1}"#}));
    }

    #[test]
    fn reserved_and_non_ascii_characters_are_percent_encoded() {
        let body = json!({"café": "€ é", "note": "a&b=c+d e/f?", "safe": "Az09-._~"});
        let text = "caf%C3%A9=%E2%82%AC%20%C3%A9&note=a%26b%3Dc%2Bd%20e%2Ff%3F&safe=Az09-._~";
        assert_eq!(encode_form(&body, &[]), text);
        assert_eq!(decode_form(text, &[]), body);
    }

    #[test]
    fn decoding_reads_plus_as_space_and_keeps_broken_escapes() {
        let decoded = decode_form("a=x+y%2By&b=100%&c=%zz%4&d=%FF&e&=v&&f=1=2", &[]);
        let expected = json!({
            "a": "x y+y", "b": "100%", "c": "%zz%4", "d": "\u{FFFD}", "e": "", "": "v", "f": "1=2",
        });
        assert_eq!(decoded, expected);
        assert_eq!(decode_form("", &[]), json!({}));
    }

    #[test]
    fn decoding_nests_brackets_into_objects_and_lists() {
        let text = "metadata%5Border_id%5D=6735&expand[]=a&expand[]=b&idx[1]=y&idx[0]=x\
                    &items[0][price]=p&items[1][price]=q&items[1][quantity]=2\
                    &tags=a&tags=b&one=x&card[address][city]=Paris&gaps[0]=x&gaps[2]=z&pad[01]=x";
        let decoded = decode_form(text, &[("metadata", DEEP), ("items", DEEP)]);
        let expected = json!({
            "metadata": {"order_id": "6735"},
            "expand": ["a", "b"],
            "idx": ["x", "y"],
            "items": [{"price": "p"}, {"price": "q", "quantity": "2"}],
            "tags": ["a", "b"],
            "one": "x",
            "card": {"address": {"city": "Paris"}},
            "gaps": {"0": "x", "2": "z"},
            "pad": {"01": "x"},
        });
        assert_eq!(decoded, expected);
    }

    #[test]
    fn decoding_splits_the_joined_styles_on_their_delimiters() {
        let styles = [
            ("c", JOINED),
            ("s", FormStyle::SpaceDelimited),
            ("p", FormStyle::PipeDelimited),
            ("one", JOINED),
        ];
        let decoded = decode_form("c=a%2Cb&s=a+b&p=a|b&f=a,b&one=a&c2=x", &styles);
        let expected = json!({
            "c": ["a", "b"], "s": ["a", "b"], "p": ["a", "b"], "f": "a,b", "one": "a", "c2": "x",
        });
        assert_eq!(decoded, expected);
        let repeated = decode_form("p=a|b&p=c", &[("p", FormStyle::PipeDelimited)]);
        assert_eq!(repeated, json!({"p": ["a", "b", "c"]}));
    }

    #[test]
    fn malformed_keys_and_clashing_shapes_do_not_panic() {
        let deep_key = format!("a{}", "[x]".repeat(MAX_DEPTH + 1));
        let decoded = decode_form(&format!("{deep_key}=1&b[c=2&[d]=3&e[f]g=4&%=5"), &[]);
        let mut keys: Vec<&str> = decoded
            .as_object()
            .map(|members| members.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["%", "[d]", deep_key.as_str(), "b[c", "e[f]g"]);
        let cases = [
            ("a=1&a[b]=2", json!({"a": {"b": "2"}})),
            ("a[b]=1&a=2", json!({"a": "2"})),
            ("a=1&a[]=2", json!({"a": ["1", "2"]})),
            ("a[b]=1&a[]=2", json!({"a": ["2"]})),
            ("a[]=1&a[b]=2", json!({"a": {"b": "2"}})),
            ("a[][b]=1&a[][b]=2", json!({"a": [{"b": "1"}, {"b": "2"}]})),
        ];
        for (text, expected) in cases {
            assert_eq!(decode_form(text, &[]), expected, "{text}");
        }
        let fine = format!("a{}=1", "[x]".repeat(MAX_DEPTH));
        assert!(decode_form(&fine, &[])["a"].is_object());
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Address {
        city: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zip: Option<i64>,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Tier {
        Gold,
        Silver,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Order {
        count: i64,
        price: f64,
        paid: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        tags: Vec<String>,
        sizes: Vec<i32>,
        tier: Tier,
        address: Address,
        metadata: BTreeMap<String, String>,
        #[serde(flatten)]
        extra: BTreeMap<String, i64>,
    }

    const ORDER_STYLES: &[(&str, FormStyle)] = &[
        ("sizes", FormStyle::PipeDelimited),
        ("address", DEEP),
        ("metadata", DEEP),
    ];

    fn order() -> Order {
        Order {
            count: -3,
            price: 12.5,
            paid: true,
            note: Some("a & b".into()),
            tags: vec!["x".into(), "y z".into()],
            sizes: vec![1, 2, 3],
            tier: Tier::Silver,
            address: Address {
                city: "Zürich".into(),
                zip: Some(8001),
            },
            metadata: BTreeMap::from([("order_id".into(), "6735".into())]),
            extra: BTreeMap::from([("bonus".into(), 5), ("rank".into(), -1)]),
        }
    }

    fn round_trip(order: &Order) -> Result<Order, String> {
        let json = serde_json::to_value(order).map_err(|err| err.to_string())?;
        let text = encode_form(&json, ORDER_STYLES);
        from_form(decode_form(&text, ORDER_STYLES))
    }

    #[test]
    fn a_typed_body_round_trips_through_encode_decode_and_from_form() {
        let full = order();
        assert_eq!(round_trip(&full).as_ref(), Ok(&full));
        // One item, none, numeric map keys and an absent option take other paths back.
        let sparse = Order {
            note: None,
            tags: vec!["solo".into()],
            sizes: Vec::new(),
            address: Address {
                city: "Bern".into(),
                zip: None,
            },
            metadata: BTreeMap::from([("0".into(), "zero".into()), ("1".into(), "one".into())]),
            extra: BTreeMap::new(),
            ..order()
        };
        assert_eq!(round_trip(&sparse).as_ref(), Ok(&sparse));
    }

    #[test]
    fn a_bad_integer_names_its_path() {
        let mut body = serde_json::to_value(order()).unwrap_or_default();
        body["count"] = json!("abc");
        let err = from_form::<Order>(body).unwrap_err();
        assert_eq!(
            err,
            r#"count: "abc" is not valid: invalid digit found in string"#
        );

        let form = decode_form("metadata[order_id]=67x5", &[("metadata", DEEP)]);
        let err = from_form::<BTreeMap<String, BTreeMap<String, i64>>>(form).unwrap_err();
        assert_eq!(
            err,
            r#"metadata.order_id: "67x5" is not valid: invalid digit found in string"#
        );

        let form = decode_form("address[city]=Bern&address[zip]=80.1", &[("address", DEEP)]);
        let err = from_form::<BTreeMap<String, Address>>(form).unwrap_err();
        assert!(
            err.starts_with("address.zip: \"80.1\" is not valid"),
            "{err}"
        );

        let form = decode_form("n[0]=1&n[1]=x", &[("n", DEEP)]);
        let err = from_form::<BTreeMap<String, Vec<u8>>>(form).unwrap_err();
        assert!(err.starts_with("n[1]: \"x\" is not valid"), "{err}");
        let form = decode_form("n=300", &[]);
        let err = from_form::<BTreeMap<String, u8>>(form).unwrap_err();
        assert!(err.starts_with("n: invalid value: integer `300`"), "{err}");
    }

    /// A member that is there, `null` or not, as generated structs read one that keeps `null`.
    fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
        serde::Deserialize::deserialize(d).map(Some)
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Loose {
        #[serde(default)]
        note: Option<String>,
        #[serde(default, deserialize_with = "present")]
        assignee: Option<Option<String>>,
        #[serde(default)]
        ids: Vec<i64>,
        #[serde(default)]
        anything: serde_json::Value,
        #[serde(default)]
        plan: Option<Plan>,
        #[serde(default)]
        ratio: Option<f32>,
        #[serde(default)]
        shape: Option<Shape>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Dot,
        Circle { radius: u32 },
    }

    /// An open string enum, as the generator writes them.
    #[derive(Debug, PartialEq)]
    enum Plan {
        Basic,
        Other(String),
    }

    impl Plan {
        fn as_str(&self) -> &str {
            match self {
                Plan::Basic => "basic",
                Plan::Other(other) => other,
            }
        }

        fn from_wire(value: &str) -> Self {
            match value {
                "basic" => Plan::Basic,
                other => Plan::Other(other.to_owned()),
            }
        }
    }
    crate::runtime::open_enum!(Plan);

    fn loose(text: &str) -> Result<Loose, String> {
        from_form(decode_form(text, &[("anything", DEEP), ("shape", DEEP)]))
    }

    #[test]
    fn empty_values_and_single_values_fit_options_and_lists() {
        let read = loose("note=&assignee=&ids=7").unwrap();
        assert_eq!(
            (read.note, read.assignee, read.ids),
            (None, Some(None), vec![7])
        );
        let read = loose("assignee=me&ids=&ratio=0.5").unwrap();
        assert_eq!(read.assignee, Some(Some("me".into())));
        assert_eq!((read.ids, read.ratio), (Vec::new(), Some(0.5)));
        assert_eq!(loose("ids[0]=1&ids[3]=4").unwrap().ids, vec![1, 4]);
        assert_eq!(loose("").unwrap().assignee, None);
        assert!(loose("ratio=NaN").is_err());
        assert!(loose("ids=1&ids=x").unwrap_err().starts_with("ids[1]: "));
    }

    #[test]
    fn strings_stay_strings_where_the_type_takes_any_value() {
        let read = loose("anything[a]=6735&anything[b][]=true&plan=basic").unwrap();
        assert_eq!(read.anything, json!({"a": "6735", "b": ["true"]}));
        assert_eq!(read.plan, Some(Plan::Basic));
        assert_eq!(
            loose("plan=gold").unwrap().plan,
            Some(Plan::Other("gold".into()))
        );
        assert_eq!(loose("shape=dot").unwrap().shape, Some(Shape::Dot));
        let circle = loose("shape[circle][radius]=3").unwrap().shape;
        assert_eq!(circle, Some(Shape::Circle { radius: 3 }));
    }

    #[test]
    fn a_flatten_map_reads_its_numbers_and_refuses_other_text() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct WithExtras {
            name: String,
            #[serde(flatten)]
            extra: BTreeMap<String, i64>,
        }
        let read: WithExtras = from_form(decode_form("name=42&a=1&b=-2", &[])).unwrap();
        let extra = BTreeMap::from([("a".into(), 1), ("b".into(), -2)]);
        assert_eq!(
            read,
            WithExtras {
                name: "42".into(),
                extra
            }
        );
        assert!(from_form::<WithExtras>(decode_form("name=n&a=x", &[])).is_err());
    }
}
