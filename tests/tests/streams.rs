//! Binary bodies and server-sent events between the generated client and the generated
//! server of `tests/fixtures/streams.yaml`: downloads read chunk by chunk, uploads sent from a
//! file as it is read, and event streams decoded in order and resumed after a break.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use codegen_tests::runtime::client::{Error, Event, EventError, RetryPolicy};
use codegen_tests::runtime::server::EventStream;
use codegen_tests::runtime::{ByteStream, FilePart};
use codegen_tests::serve;
use codegen_tests::streams::{client, server, types, Credentials};

const CHUNK: usize = 16 * 1024;

/// The byte at `offset` of a download: a pattern that shows a chunk out of place.
fn byte_at(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// Serves made-up files and ticks, and notes what it is asked for.
#[derive(Clone, Default)]
struct Fake {
    /// The chunks of each upload, as the handler read them.
    uploads: Arc<Mutex<Vec<Vec<usize>>>>,
    /// The `Last-Event-ID` of each request for ticks.
    resumed_after: Arc<Mutex<Vec<Option<String>>>>,
    /// Each file created: its media type, whether its bytes came as a stream, and its
    /// description and labels.
    created: Arc<Mutex<Vec<String>>>,
}

impl server::Api for Fake {
    async fn download_file(
        &self,
        input: server::DownloadFileInput,
    ) -> server::DownloadFileResponse {
        let Some(chunks) = input.name.strip_suffix(".bin").and_then(|n| n.parse().ok()) else {
            let problem = types::Problem::new(format!("no file {}", input.name));
            return server::DownloadFileResponse::Status404(problem);
        };
        let body = ByteStream::unfold(0usize, move |index| async move {
            (index < chunks).then(|| {
                let chunk: Vec<u8> = (0..CHUNK).map(|i| byte_at(index * CHUNK + i)).collect();
                (Ok(chunk.into()), index + 1)
            })
        });
        server::DownloadFileResponse::Status200(body)
    }

    async fn upload_file(&self, mut input: server::UploadFileInput) -> server::UploadFileResponse {
        let mut chunks = Vec::new();
        while let Some(chunk) = input.body.next_chunk().await {
            match chunk {
                Ok(chunk) => chunks.push(chunk.len()),
                Err(_) => return server::UploadFileResponse::Status413(b"broken".to_vec()),
            }
        }
        let size = chunks.iter().sum::<usize>() as i64;
        self.uploads.lock().unwrap().push(chunks);
        server::UploadFileResponse::Status201(types::Stored::new(size))
    }

    async fn create_file(&self, input: server::CreateFileInput) -> server::CreateFileResponse {
        let (note, stream) = match input.body {
            server::CreateFileBody::Multipart(form) => {
                let labels = form.labels.unwrap_or_default();
                let note = format!(
                    "multipart streamed={} description={:?} labels={:?}",
                    form.file.is_streamed(),
                    form.description,
                    labels.get("kind"),
                );
                (note, form.file.into_stream())
            }
            server::CreateFileBody::OctetStream(stream) => ("octet-stream".to_owned(), stream),
        };
        let size = stream
            .collect()
            .await
            .map_or(-1, |bytes| bytes.len() as i64);
        self.created.lock().unwrap().push(note);
        server::CreateFileResponse::Status201(types::Stored::new(size))
    }

    async fn stream_feed(&self, _: server::StreamFeedInput) -> server::StreamFeedResponse {
        let events = [
            Event::new(server::StreamFeedEvent::Tick(types::Tick::new(1))).id("1"),
            Event::new(server::StreamFeedEvent::Note("two\nlines".into())),
            Event::new(server::StreamFeedEvent::Other {
                event: "ping".into(),
                data: "{}".into(),
            }),
            Event::new(server::StreamFeedEvent::Done(types::DoneEventData::new(3))),
        ];
        server::StreamFeedResponse::Status200(EventStream::from_events(events))
    }

    async fn get_report(&self, input: server::GetReportInput) -> server::GetReportResponse {
        if input.id == 0 {
            return server::GetReportResponse::Status202(types::Pending::new(30));
        }
        server::GetReportResponse::Status200(ByteStream::from("%PDF-1.7"))
    }

    async fn stream_ticks(&self, input: server::StreamTicksInput) -> server::StreamTicksResponse {
        self.resumed_after
            .lock()
            .unwrap()
            .push(input.last_event_id.clone());
        let count = input.count.unwrap_or(10);
        let first = match input.last_event_id.as_deref().map(str::parse::<i64>) {
            Some(Ok(id)) => id + 1,
            Some(Err(_)) => return server::StreamTicksResponse::Status429("bad id".into()),
            None => 1,
        };
        let tick = |n: i64| Event::new(types::Tick::new(n)).id(n.to_string());
        if first > 1 || count <= 10 {
            let ticks: Vec<_> = (first..=count).map(tick).collect();
            return server::StreamTicksResponse::Status200(EventStream::from_events(ticks));
        }
        // A first stream of more than ten ticks breaks off after the fifth.
        let (sender, events) = EventStream::channel(4);
        tokio::spawn(async move {
            for n in 1..=5 {
                if sender.send(tick(n)).await.is_err() {
                    return;
                }
            }
            sender.abort("the stream broke").await;
        });
        server::StreamTicksResponse::Status200(events)
    }

    async fn tail_log(&self, _input: server::TailLogInput) -> server::TailLogResponse {
        let lines = ["started", "two lines:\nthe second", ""].map(|line| Event::new(line.into()));
        let events = EventStream::from_events(
            lines
                .into_iter()
                .chain([Event::new("named".into()).event("notice")]),
        );
        server::TailLogResponse::Status200(events)
    }
}

async fn started(fake: Fake) -> client::Client {
    let base = serve(server::router(fake)).await;
    let retry = RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    client::Client::builder(client::Server::Custom(base))
        .credentials(Credentials::default())
        .retry(retry)
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_file_goes_as_multipart_with_its_description_or_as_its_bytes_alone() {
    let fake = Fake::default();
    let client = started(fake.clone()).await;
    let chunks = ByteStream::unfold(0usize, |index| async move {
        (index < 64).then(|| (Ok(vec![b'z'; CHUNK].into()), index + 1))
    });
    let form = types::CreateFileRequest {
        description: Some("a scan".into()),
        labels: Some([("kind".to_owned(), "receipt".to_owned())].into()),
        ..types::CreateFileRequest::new(FilePart::from_stream(chunks).file_name("scan.bin"))
    };
    let stored = client.create_file(&form).await.expect("stored");
    assert_eq!(stored.size, 64 * CHUNK as i64);
    let bytes = ByteStream::from(vec![1u8; 1000]);
    let stored = client.create_file(bytes).await.expect("stored");
    assert_eq!(stored.size, 1000);
    let choice = client::CreateFileBody::OctetStream(ByteStream::from("abc"));
    assert_eq!(client.create_file(choice).await.expect("stored").size, 3);
    let created = fake.created.lock().unwrap().clone();
    assert_eq!(
        created,
        [
            r#"multipart streamed=true description=Some("a scan") labels=Some("receipt")"#,
            "octet-stream",
            "octet-stream",
        ]
    );
}

#[tokio::test]
async fn events_keyed_by_name_arrive_each_as_its_own_type() {
    let client = started(Fake::default()).await;
    let mut events = client.stream_feed().await.expect("a stream");
    let mut seen = Vec::new();
    while let Some(event) = events.next_event().await {
        let event = event.expect("each event decodes");
        seen.push((event.event, event.data));
    }
    let named = |name: &str| Some(name.to_owned());
    assert_eq!(
        seen,
        [
            (
                named("tick"),
                client::StreamFeedEvent::Tick(types::Tick::new(1))
            ),
            (
                named("note"),
                client::StreamFeedEvent::Note("two\nlines".into())
            ),
            (
                named("ping"),
                client::StreamFeedEvent::Other {
                    event: "ping".into(),
                    data: "{}".into()
                }
            ),
            (
                named("done"),
                client::StreamFeedEvent::Done(types::DoneEventData::new(3))
            ),
        ]
    );
}

#[tokio::test]
async fn a_download_arrives_chunk_by_chunk_in_order() {
    let client = started(Fake::default()).await;
    let mut body = client.download_file("64.bin").await.expect("the file");
    assert_eq!(body.len(), None, "sent without a length");
    let (mut offset, mut reads) = (0, 0);
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.expect("a chunk");
        assert!(chunk
            .iter()
            .enumerate()
            .all(|(i, b)| *b == byte_at(offset + i)));
        offset += chunk.len();
        reads += 1;
    }
    assert_eq!(offset, 64 * CHUNK);
    assert!(reads > 1, "read in pieces, not at once");
    let whole = client.download_file("2.bin").await.expect("the file");
    assert_eq!(whole.collect().await.expect("read").len(), 2 * CHUNK);
    match client.download_file("missing").await {
        Err(Error::Api(client::DownloadFileError::Status404(problem))) => {
            assert_eq!(problem.message, "no file missing");
        }
        other => panic!("a typed 404, not {other:?}"),
    }
}

#[tokio::test]
async fn a_success_that_streams_beside_one_that_decodes_is_told_apart() {
    let client = started(Fake::default()).await;
    match client.get_report(7).await.expect("a report") {
        client::GetReportResponse::Status200(pdf) => {
            assert_eq!(&pdf.collect().await.expect("read")[..], b"%PDF-1.7");
        }
        other => panic!("the PDF, not {other:?}"),
    }
    match client.get_report(0).await.expect("an answer") {
        client::GetReportResponse::Status202(pending) => assert_eq!(pending.retry_after, 30),
        other => panic!("pending, not {other:?}"),
    }
}

#[tokio::test]
async fn an_upload_streams_from_a_file_and_the_server_reads_it_as_it_comes() {
    let fake = Fake::default();
    let client = started(fake.clone()).await;
    let path = std::env::temp_dir().join(format!("upload-{}.bin", std::process::id()));
    let contents: Vec<u8> = (0..3 * 1024 * 1024 + 7).map(byte_at).collect();
    std::fs::write(&path, &contents).expect("written");
    let body = ByteStream::from_path(&path).await.expect("opened");
    assert_eq!(body.len(), Some(contents.len() as u64));
    assert!(!body.is_replayable());
    let stored = client.upload_file("big.bin", body).await.expect("stored");
    std::fs::remove_file(&path).expect("removed");
    assert_eq!(stored.size, contents.len() as i64);
    let pieces = fake.uploads.lock().unwrap()[0].len();
    assert!(pieces > 1, "the server read it in pieces");
    let whole = client
        .upload_file("small.bin", b"bytes held whole".to_vec().into())
        .await
        .expect("stored");
    assert_eq!(whole.size, 16);
}

#[tokio::test]
async fn a_streamed_upload_is_not_retried_and_the_error_says_so() {
    // A port nothing listens on: every attempt fails to connect.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let client = client::Client::builder(client::Server::Custom(base))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("a client");
    let chunks = ByteStream::unfold(0, |n| async move {
        (n < 3).then(|| (Ok(vec![1u8; 10].into()), n + 1))
    });
    let err = client
        .upload_file("a.bin", chunks)
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::NotRetried(_)), "{err:?}");
    assert!(err.to_string().contains("cannot be sent twice"), "{err}");
    let whole = client.upload_file("a.bin", b"whole".to_vec().into()).await;
    assert!(
        matches!(whole, Err(Error::Transport(_))),
        "retried, then given up"
    );
}

#[tokio::test]
async fn ten_thousand_events_arrive_typed_and_in_order() {
    let client = started(Fake::default()).await;
    let options = client::StreamTicksOptions {
        count: Some(10_000),
        last_event_id: Some("0".into()),
    };
    let mut events = client.stream_ticks(&options).await.expect("a stream");
    let mut expected = 1;
    while let Some(event) = events.next_event().await {
        let event = event.expect("a tick");
        assert_eq!(event.data.n, expected);
        assert_eq!(event.id.as_deref(), Some(expected.to_string().as_str()));
        expected += 1;
    }
    assert_eq!(expected, 10_001);
}

#[tokio::test]
async fn a_broken_stream_resumes_after_the_last_event_id() {
    let fake = Fake::default();
    let client = started(fake.clone()).await;
    let options = client::StreamTicksOptions {
        count: Some(12),
        ..Default::default()
    };
    let mut events = client.stream_ticks(&options).await.expect("a stream");
    let mut read = Vec::new();
    while let Some(event) = events.next_event().await {
        read.push(event.expect("a tick").data.n);
    }
    assert_eq!(
        read,
        (1..=12).collect::<Vec<_>>(),
        "each tick once, in order"
    );
    // The break may cut off events the server had sent but not yet flushed: the client
    // resumes after the last one it read.
    let asked = fake.resumed_after.lock().unwrap().clone();
    let resumed: Vec<_> = (1..=5).map(|id| vec![None, Some(id.to_string())]).collect();
    assert!(resumed.contains(&asked), "{asked:?}");
}

#[tokio::test]
async fn a_malformed_event_is_an_error_item_and_the_stream_goes_on() {
    use axum::response::IntoResponse as _;

    #[derive(Clone)]
    struct Broken;
    impl server::Api for Broken {
        async fn download_file(
            &self,
            _: server::DownloadFileInput,
        ) -> server::DownloadFileResponse {
            server::DownloadFileResponse::Status200(ByteStream::default())
        }
        async fn upload_file(&self, _: server::UploadFileInput) -> server::UploadFileResponse {
            server::UploadFileResponse::Status201(types::Stored::new(0))
        }
        async fn create_file(&self, _: server::CreateFileInput) -> server::CreateFileResponse {
            server::CreateFileResponse::Status201(types::Stored::new(0))
        }
        async fn get_report(&self, _: server::GetReportInput) -> server::GetReportResponse {
            server::GetReportResponse::Status202(types::Pending::new(1))
        }
        async fn stream_feed(&self, _: server::StreamFeedInput) -> server::StreamFeedResponse {
            let stream = "event: tick\ndata: {\"n\": \"one\"}\n\nevent: note\ndata: still here\n\n";
            let headers = [("content-type", "text/event-stream")];
            server::StreamFeedResponse::Undocumented((headers, stream).into_response())
        }
        async fn stream_ticks(&self, _: server::StreamTicksInput) -> server::StreamTicksResponse {
            let stream = "data: {\"n\": 1}\n\nevent: tick\nid: 2\ndata: {\"n\": \"two\"}\n\ndata: {\"n\": 3}\n\n";
            let headers = [("content-type", "text/event-stream")];
            server::StreamTicksResponse::Undocumented((headers, stream).into_response())
        }
        async fn tail_log(&self, _: server::TailLogInput) -> server::TailLogResponse {
            server::TailLogResponse::Status200(EventStream::from_events([]))
        }
    }
    let base = serve(server::router(Broken)).await;
    let client = client::Client::new(client::Server::Custom(base), Credentials::default())
        .expect("a client");
    let mut events = client
        .stream_ticks(&Default::default())
        .await
        .expect("a stream");
    let first = events.next_event().await.expect("an item").expect("a tick");
    assert_eq!(first.data.n, 1);
    match events.next_event().await.expect("an item") {
        Err(err @ EventError::Decode { .. }) => {
            let message = err.to_string();
            assert!(
                message.contains("`tick` (id 2)") && message.contains("`n`"),
                "{message}"
            );
        }
        other => panic!("a decode error, not {other:?}"),
    }
    let third = events.next_event().await.expect("an item").expect("a tick");
    assert_eq!(third.data.n, 3);
    assert!(events.next_event().await.is_none());
    let mut feed = client.stream_feed().await.expect("a stream");
    match feed.next_event().await.expect("an item") {
        Err(err @ EventError::Decode { .. }) => {
            let message = err.to_string();
            assert!(
                message.contains("`tick`") && message.contains("`n`"),
                "{message}"
            );
        }
        other => panic!("a decode error, not {other:?}"),
    }
    let note = feed.next_event().await.expect("an item").expect("a note");
    assert_eq!(
        note.data,
        client::StreamFeedEvent::Note("still here".into())
    );
    assert!(feed.next_event().await.is_none());
}

#[tokio::test]
async fn text_events_keep_their_lines_and_names() {
    let client = started(Fake::default()).await;
    let mut events = client.tail_log().await.expect("a stream");
    let mut read = Vec::new();
    while let Some(event) = events.next_event().await {
        let event = event.expect("an event");
        read.push((event.data, event.event));
    }
    let expected = [
        ("started", None),
        ("two lines:\nthe second", None),
        ("", None),
        ("named", Some("notice".to_owned())),
    ]
    .map(|(data, name)| (data.to_owned(), name));
    assert_eq!(read, expected);
}
