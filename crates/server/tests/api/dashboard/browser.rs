//! A minimal browser for the dashboard tests: keeps the session cookie, does not follow
//! redirects (so that a test sees where it is sent), and reads the CSRF token from a page.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::helpers::TestApp;

pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookie: Option<String>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token of the page's first form that carries one.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = self.body[start..].find('"').expect("end of the token") + start;
        self.body[start..end].to_owned()
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookie: None,
        }
    }

    /// Signs in with `key`; panics unless the server starts a session.
    pub async fn signed_in(app: &TestApp, key: &str) -> Browser {
        let mut browser = Browser::new(app);
        let page = browser.sign_in(key).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        browser
    }

    /// Signs in as a browser does: reads the form (its token and pre-session cookie), then
    /// posts it with the key.
    pub async fn sign_in(&mut self, key: &str) -> Page {
        let form = self.get("/dashboard/sign_in").await;
        let pre_session = cookie_pair(&form).expect("the sign-in form sets its cookie");
        let csrf = form.csrf();
        let previous = self.cookie.replace(pre_session);
        let page = self
            .post(
                "/dashboard/sign_in",
                &format!("csrf={csrf}&secret_key={key}"),
            )
            .await;
        self.cookie = previous;
        if let Some(session) = session_cookie(&page) {
            self.cookie = Some(session);
        }
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        read(request.send().await.expect("request sent")).await
    }

    pub async fn post(&self, path: &str, form: &str) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        read(request.send().await.expect("request sent")).await
    }
}

/// The first `name=value` a page sets, of a cookie still being set (not cleared).
fn cookie_pair(page: &Page) -> Option<String> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter(|c| !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().expect("name=value").to_owned())
        .next()
}

/// The session cookie a sign-in sets, if it did.
pub fn session_cookie(page: &Page) -> Option<String> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter(|c| c.starts_with("tender_dashboard=") && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().expect("name=value").to_owned())
        .next()
}

async fn read(response: reqwest::Response) -> Page {
    Page {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.expect("body"),
    }
}
