//! What routes are registered on. [`super::configure`] is the one place every route
//! is wired; it is written against [`Routes`], so the same list is registered on
//! utoipa-actix-web's `ServiceConfig`, which also collects each route's OpenAPI
//! operation (`openapi::describe`), on actix's own, which registers the handlers
//! alone (each worker of the server), and on the 404/405 table's collector, which
//! reads each route's path and methods (`routing::RouteTable::of_api`).
//!
//! The server never builds the description: it serves the committed one. Building it,
//! once in the main thread and once in each worker, only to drop it, cost about 20 MB
//! of idle memory on two workers, which glibc's malloc kept in the threads' arenas
//! (bench/README.md, "idle memory").

use actix_web::dev::HttpServiceFactory;
use actix_web::web;
use utoipa_actix_web::OpenApiFactory;
use utoipa_actix_web::service_config::ServiceConfig;

/// Something routes are registered on.
pub trait Routes {
    /// What the routes of a scope are registered on.
    type Scoped<'a>: Routes;

    /// Registers a handler declared with `#[utoipa::path]` and an actix route macro.
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static;

    /// Registers the routes `routes` wires under the path prefix `path`.
    fn scope<F>(&mut self, path: &str, routes: F) -> &mut Self
    where
        F: for<'a, 'b> FnOnce(&'b mut Self::Scoped<'a>);
}

/// The routes and their OpenAPI operations.
impl Routes for ServiceConfig<'_> {
    type Scoped<'a> = ServiceConfig<'a>;

    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        ServiceConfig::service(self, factory)
    }

    fn scope<F>(&mut self, path: &str, routes: F) -> &mut Self
    where
        F: for<'a, 'b> FnOnce(&'b mut ServiceConfig<'a>),
    {
        ServiceConfig::service(self, utoipa_actix_web::scope(path).configure(routes))
    }
}

/// The routes alone.
impl Routes for web::ServiceConfig {
    type Scoped<'a> = web::ServiceConfig;

    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + utoipa::Path + 'static,
    {
        web::ServiceConfig::service(self, factory)
    }

    fn scope<F>(&mut self, path: &str, routes: F) -> &mut Self
    where
        F: for<'a, 'b> FnOnce(&'b mut web::ServiceConfig),
    {
        web::ServiceConfig::service(self, web::scope(path).configure(routes))
    }
}
