//! A request's storage calls run inside its `tracing` span, so that a slow query in
//! the logs names the request it served.

use std::sync::{Mutex, OnceLock};

use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::helpers::spawn_app;

/// Each `storage` span opened in the process: its call, and the request id of the
/// `request` span it opened in, if any.
type Calls = Mutex<Vec<(String, Option<String>)>>;

/// The value of one field of a span, as text.
struct FieldText(&'static str, Option<String>);

impl Visit for FieldText {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == self.0 {
            self.1 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == self.0 {
            self.1 = Some(format!("{value:?}"));
        }
    }
}

fn field(attrs: &Attributes<'_>, name: &'static str) -> Option<String> {
    let mut text = FieldText(name, None);
    attrs.record(&mut text);
    text.1
}

/// The request id of a `request` span, kept with the span.
struct RequestId(String);

struct Recorder(&'static Calls);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        match attrs.metadata().name() {
            "request" => {
                if let Some(request_id) = field(attrs, "request_id") {
                    span.extensions_mut().insert(RequestId(request_id));
                }
            }
            "storage" => {
                let request = span
                    .scope()
                    .skip(1)
                    .find_map(|s| s.extensions().get::<RequestId>().map(|r| r.0.clone()));
                let call = field(attrs, "call").unwrap_or_default();
                self.0.lock().unwrap().push((call, request));
            }
            _ => {}
        }
    }
}

/// Records the spans of the whole process (the app's workers are threads of their
/// own); set once, as the global subscriber can be.
fn recorded() -> &'static Calls {
    static CALLS: OnceLock<&'static Calls> = OnceLock::new();
    CALLS.get_or_init(|| {
        let calls: &'static Calls = Box::leak(Box::default());
        let subscriber = tracing_subscriber::registry().with(Recorder(calls));
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        calls
    })
}

#[actix_web::test]
async fn a_lists_storage_calls_run_in_its_request_span() {
    // Arrange
    let calls = recorded();
    let app = spawn_app().await;
    let id = "spans-quote-list";

    // Act
    let reply = app
        .request("GET", "/v1/quotes?include=speaker", &[("x-request-id", id)])
        .await;

    // Assert
    assert_eq!(reply.status.as_u16(), 200);
    assert_eq!(reply.header("x-request-id"), Some(id));
    let calls = calls.lock().unwrap();
    let ours: Vec<&str> = calls
        .iter()
        .filter(|(_, request)| request.as_deref() == Some(id))
        .map(|(call, _)| call.as_str())
        .collect();
    assert!(ours.contains(&"read"), "storage calls of {id}: {ours:?}");
}
