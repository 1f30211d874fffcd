//! Webhook receivers for the delivery tests: one that records arrival order, connections and
//! concurrency, over plain HTTP or over TLS with a certificate from a test CA.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use serde_json::Value;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// What a [`Recorder`] saw.
#[derive(Default)]
struct Seen {
    /// Headers and body of each request, in arrival order.
    got: Vec<(HeaderMap, String)>,
    /// The client ports requests came from: one per connection.
    connections: HashSet<SocketAddr>,
    in_flight: usize,
    max_in_flight: usize,
}

/// Answers 200 to every request, after `delay` (plus up to `jitter`, at random, so that
/// requests sent side by side finish in any order).
#[derive(Clone)]
pub struct Recorder {
    seen: Arc<Mutex<Seen>>,
    delay: Duration,
    jitter: Duration,
}

impl Recorder {
    pub fn new(delay: Duration, jitter: Duration) -> Recorder {
        Recorder {
            seen: Arc::default(),
            delay,
            jitter,
        }
    }

    fn router(&self) -> Router {
        Router::new()
            .route("/hook", post(receive))
            .with_state(self.clone())
    }

    /// Serves plain HTTP (keep-alive) on a free port; returns the endpoint URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    /// Serves HTTPS with `identity`'s certificate; returns the endpoint URL.
    pub async fn serve_tls(&self, identity: &ServerIdentity) -> String {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![identity.certificate.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key.clone())),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/hook", listener.local_addr().unwrap());
        let router = self.router();
        tokio::spawn(async move {
            while let Ok((tcp, peer)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let service = hyper_util::service::TowerToHyperService::new(
                    router.clone().layer(axum::Extension(ConnectInfo(peer))),
                );
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the connection here.
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
        url
    }

    pub fn got(&self) -> Vec<(HeaderMap, String)> {
        self.seen.lock().unwrap().got.clone()
    }

    pub fn events(&self) -> Vec<Value> {
        self.got()
            .iter()
            .map(|(_, body)| serde_json::from_str(body).unwrap())
            .collect()
    }

    pub fn connections(&self) -> usize {
        self.seen.lock().unwrap().connections.len()
    }

    pub fn max_in_flight(&self) -> usize {
        self.seen.lock().unwrap().max_in_flight
    }

    /// Waits (bounded, 10 s) until `count` requests arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        for _ in 0..400 {
            if self.seen.lock().unwrap().got.len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.events()
    }
}

async fn receive(
    State(recorder): State<Recorder>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    {
        let mut seen = recorder.seen.lock().unwrap();
        seen.connections.insert(peer);
        seen.in_flight += 1;
        seen.max_in_flight = seen.max_in_flight.max(seen.in_flight);
    }
    let jitter = recorder.jitter.mul_f64(rand::random::<f64>());
    tokio::time::sleep(recorder.delay + jitter).await;
    let mut seen = recorder.seen.lock().unwrap();
    seen.in_flight -= 1;
    seen.got
        .push((headers, String::from_utf8(body.to_vec()).unwrap()));
    StatusCode::OK
}

/// A test certificate authority.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server's certificate (DER) and its PKCS #8 private key.
pub struct ServerIdentity {
    certificate: CertificateDer<'static>,
    key: Vec<u8>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        TestCa { issuer }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A certificate for 127.0.0.1 signed by this CA.
    pub fn server_identity(&self) -> ServerIdentity {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let certificate = params.signed_by(&key, &self.issuer).unwrap();
        ServerIdentity {
            certificate: certificate.der().clone(),
            key: key.serialize_der(),
        }
    }
}
