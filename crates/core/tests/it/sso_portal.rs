//! Accounts and roles of the portal against the simulator: every page, a local cache with an
//! explicit refresh, search, and favourites.

use crate::sso_support::*;
use ecsdesk_core::aws::sso::Portal;

#[tokio::test]
async fn list_accounts_follows_every_page_and_caches() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(&many_accounts_scenario(dir.path(), 7)).await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let ep = sim.endpoint();

    let portal = Portal::with_page_size(fx.auth.clone(), Some(fx.data_dir()), Some(3));
    let accounts = portal.list_accounts(&session, false).await.unwrap();
    assert_eq!(accounts.len(), 7);
    let ids: std::collections::BTreeSet<_> =
        accounts.iter().map(|a| a.account_id.clone()).collect();
    assert_eq!(ids.len(), 7, "no duplicates across pages");
    assert_eq!(accounts[0].account_name, "team-00");
    assert_eq!(
        accounts[0].email_address.as_deref(),
        Some("team0@example.com")
    );
    assert_eq!(
        calls(&ep, "sso:ListAccounts").await,
        3,
        "pages of 3, 3 and 1"
    );

    // Cached: no more calls, in this portal or a new one reading the data folder.
    assert_eq!(
        portal.list_accounts(&session, false).await.unwrap(),
        accounts
    );
    let reopened = Portal::with_page_size(fx.auth.clone(), Some(fx.data_dir()), Some(3));
    assert_eq!(
        reopened.list_accounts(&session, false).await.unwrap(),
        accounts
    );
    assert_eq!(calls(&ep, "sso:ListAccounts").await, 3);
    // The refresh button asks again.
    assert_eq!(portal.list_accounts(&session, true).await.unwrap().len(), 7);
    assert_eq!(calls(&ep, "sso:ListAccounts").await, 6);

    // Roles, paged one at a time.
    let small = Portal::with_page_size(fx.auth.clone(), None, Some(1));
    let roles = small
        .list_account_roles(&session, "100000000003", false)
        .await
        .unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.role_name.as_str()).collect();
    assert_eq!(names, ["OperatorAccess", "ReadOnlyAccess"]);
    assert!(roles.iter().all(|r| r.account_id == "100000000003"));
    assert_eq!(calls(&ep, "sso:ListAccountRoles").await, 2);
    small
        .list_account_roles(&session, "100000000003", false)
        .await
        .unwrap();
    assert_eq!(calls(&ep, "sso:ListAccountRoles").await, 2);
    small
        .list_account_roles(&session, "100000000003", true)
        .await
        .unwrap();
    assert_eq!(calls(&ep, "sso:ListAccountRoles").await, 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn search_and_favourites() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(&many_accounts_scenario(dir.path(), 12)).await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let portal = Portal::new(fx.auth.clone(), Some(fx.data_dir()));

    let by_name = portal.search_accounts(&session, "TEAM-1").await.unwrap();
    let names: Vec<_> = by_name.iter().map(|a| a.account_name.as_str()).collect();
    assert_eq!(names, ["team-10", "team-11"]);
    let by_id = portal
        .search_accounts(&session, "100000000005")
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].account_name, "team-05");
    assert_eq!(
        portal.search_accounts(&session, "").await.unwrap().len(),
        12
    );
    assert!(portal
        .search_accounts(&session, "nothing")
        .await
        .unwrap()
        .is_empty());

    // Favourites come first and survive a restart.
    portal
        .set_favourite(&session, "100000000009", true)
        .unwrap();
    portal
        .set_favourite(&session, "100000000004", true)
        .unwrap();
    let list = portal.list_accounts(&session, false).await.unwrap();
    assert!(list[0].favourite && list[1].favourite && !list[2].favourite);
    assert_eq!(list[0].account_name, "team-04");
    assert_eq!(list[1].account_name, "team-09");
    let reopened = Portal::new(fx.auth.clone(), Some(fx.data_dir()));
    assert_eq!(
        reopened.favourites(&session).unwrap(),
        ["100000000009", "100000000004"]
    );
    reopened
        .set_favourite(&session, "100000000009", false)
        .unwrap();
    assert_eq!(portal.favourites(&session).unwrap(), ["100000000004"]);
    // Favourites belong to their session.
    assert!(portal.favourites(&govcloud()).unwrap().is_empty());

    // A malformed favourites file is reported, not silently replaced.
    let file = fx.data_dir().join("sso-favourites.json");
    std::fs::write(&file, "{\n  \"ecsdesk-demo\": [\n oops").unwrap();
    let err = portal
        .set_favourite(&session, "100000000001", true)
        .unwrap_err();
    assert!(
        err.to_string().contains("sso-favourites.json") && err.to_string().contains("line 3"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\n  \"ecsdesk-demo\": [\n oops"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn portal_calls_are_rate_limited_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim(&many_accounts_scenario(dir.path(), 20)).await;
    let fx = Fixture::new(&sim);
    let session = commercial();
    fx.pkce_login(&session).await;
    let portal = Portal::with_page_size(fx.auth.clone(), None, Some(1));
    // 20 pages of accounts then roles of 10 accounts at once: 40 calls at 5 a second (burst 5)
    // cannot take less than 7 s.
    let started = std::time::Instant::now();
    let accounts = portal.list_accounts(&session, false).await.unwrap();
    assert_eq!(accounts.len(), 20);
    let jobs = accounts
        .iter()
        .take(10)
        .map(|a| portal.list_account_roles(&session, &a.account_id, false));
    let roles = futures::future::join_all(jobs).await;
    assert!(roles
        .iter()
        .all(|r| r.as_ref().map(|v| v.len() == 2).unwrap_or(false)));
    let took = started.elapsed();
    assert!(took >= std::time::Duration::from_millis(6800), "{took:?}");
    assert_eq!(calls(&sim.endpoint(), "sso:ListAccountRoles").await, 20);
    sim.shutdown().await;
}
