//! Teardown against the throwaway PostgreSQL server.

mod common;

use common::*;
use std::time::Duration;
use team_db::Reason;

#[tokio::test]
async fn teardown_drops_database_then_role_even_with_a_live_connection() {
    let pg = postgres();
    let product = Product::new(&pg, &unique_name("drop"), &["s"], Some("pw"));
    product.apply().await.unwrap();
    // The product is still connected, in the middle of a query.
    let live = login(&pg, &product.role, "pw", &product.database)
        .await
        .unwrap();
    let busy = tokio::spawn(async move { live.query("SELECT pg_sleep(60)", &[]).await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let report = product.teardown().await.unwrap();
    assert_eq!(
        report.executed,
        [
            format!(
                "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false",
                product.database
            ),
            format!("DROP DATABASE IF EXISTS \"{}\"", product.database),
            format!("DROP ROLE IF EXISTS \"{}\"", product.role),
        ]
    );
    assert!(!database_exists(&pg, &product.database).await);
    assert!(!role_exists(&pg, &product.role).await);
    let ended = tokio::time::timeout(Duration::from_secs(10), busy)
        .await
        .expect("the live session ends")
        .unwrap();
    assert!(ended.is_err(), "the live session must have been terminated");

    // Already gone is success, and does nothing.
    let again = product.teardown().await.unwrap();
    assert!(again.is_noop(), "{:#?}", again.executed);
}

#[tokio::test]
async fn teardown_after_a_partial_removal_finishes_the_job() {
    let pg = postgres();
    let product = Product::new(&pg, &unique_name("half"), &[], Some("pw"));
    product.apply().await.unwrap();
    superuser(&pg)
        .await
        .query(&format!("DROP DATABASE \"{}\"", product.database), &[])
        .await
        .unwrap();
    let report = product.teardown().await.unwrap();
    assert_eq!(
        report.executed,
        [format!("DROP ROLE IF EXISTS \"{}\"", product.role)]
    );
    assert!(!role_exists(&pg, &product.role).await);
}

#[tokio::test]
async fn a_role_owning_objects_elsewhere_is_reported_and_kept() {
    let pg = postgres();
    let product = Product::new(&pg, &unique_name("owner"), &[], Some("pw"));
    let elsewhere = Product::new(&pg, &unique_name("elsewhere"), &["shared"], Some("pw2"));
    product.apply().await.unwrap();
    elsewhere.apply().await.unwrap();
    // Someone gave the product role an object in another database.
    let session = login(
        &pg,
        &pg.superuser,
        &pg.superuser_password,
        &elsewhere.database,
    )
    .await
    .unwrap();
    session
        .query("CREATE TABLE shared.t (id int)", &[])
        .await
        .unwrap();
    session
        .query(
            &format!("ALTER TABLE shared.t OWNER TO \"{}\"", product.role),
            &[],
        )
        .await
        .unwrap();

    let error = product.teardown().await.unwrap_err();
    assert_eq!(error.reason, Reason::DependentObjects, "{error}");
    assert!(error.message.contains("cannot be dropped"), "{error}");
    assert!(role_exists(&pg, &product.role).await);
    assert!(
        !database_exists(&pg, &product.database).await,
        "the database itself is gone"
    );
}
