"""The simulator against clients we did not write: boto3 and the AWS CLI (run by run.sh).

run.sh starts ecsdesk-sim with the demo scenario and exports SIM_ENDPOINT, AWS_ENDPOINT_URL,
AWS_CONFIG_FILE (profiles demo-govcloud / demo-commercial with the demo's static keys) and AWS_CLI.
"""

import datetime
import json
import os
import subprocess
import urllib.parse
import urllib.request

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SIM_ENDPOINT"]
GOV = dict(
    aws_access_key_id="AKIASIMGOVPROD000001",
    aws_secret_access_key="simGovProdSecret0000000000000000000000001",
    region_name="us-gov-east-1",
)
COM = dict(
    aws_access_key_id="AKIASIMCOMSTAGE00001",
    aws_secret_access_key="simComStageSecret000000000000000000000001",
    region_name="us-east-1",
)


def client(service, creds):
    return boto3.client(service, endpoint_url=ENDPOINT, **creds)


def control(route, body=None):
    req = urllib.request.Request(
        f"{ENDPOINT}/_sim/{route}",
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def test_ecs_clusters_services_and_tasks():
    ecs = client("ecs", GOV)
    arns = ecs.list_clusters()["clusterArns"]
    assert "arn:aws-us-gov:ecs:us-gov-east-1:210987654321:cluster/coe-ecs-prod" in arns
    svc = ecs.describe_services(cluster="coe-ecs-prod", services=["coe-etl-prod-Service"])
    service = svc["services"][0]
    assert service["serviceName"] == "coe-etl-prod-Service"
    assert service["desiredCount"] == 1
    assert isinstance(service["createdAt"], datetime.datetime)
    tasks = ecs.list_tasks(cluster="coe-ecs-prod", serviceName="coe-etl-prod-Service")
    assert len(tasks["taskArns"]) == 1
    paginated = [
        arn
        for page in ecs.get_paginator("list_services").paginate(cluster="coe-ecs-prod", PaginationConfig={"PageSize": 1})
        for arn in page["serviceArns"]
    ]
    assert len(paginated) == 2


def test_daemon_codedeploy_and_external_services_as_ecs_shows_and_guards_them():
    ecs = client("ecs", COM)
    out = ecs.describe_services(
        cluster="service-kinds",
        services=["log-agent-Daemon", "checkout-bluegreen-Service", "partner-api-external-Service"],
    )
    by_name = {s["serviceName"]: s for s in out["services"]}
    daemon = by_name["log-agent-Daemon"]
    assert daemon["schedulingStrategy"] == "DAEMON"
    assert daemon["desiredCount"] == 3
    for name, controller in [("checkout-bluegreen-Service", "CODE_DEPLOY"), ("partner-api-external-Service", "EXTERNAL")]:
        svc = by_name[name]
        assert svc["deploymentController"]["type"] == controller
        assert svc["deployments"] == []
        task_set = svc["taskSets"][0]
        assert task_set["status"] == "PRIMARY"
        assert task_set["stabilityStatus"] in ("STEADY_STATE", "STABILIZING")
        assert task_set["scale"] == {"value": 100.0, "unit": "PERCENT"}
    assert "taskDefinition" not in by_name["partner-api-external-Service"]
    with pytest.raises(ClientError) as refused:
        ecs.update_service(cluster="service-kinds", service="log-agent-Daemon", desiredCount=4)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "daemon scheduling strategy" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as refused:
        ecs.update_service(cluster="service-kinds", service="checkout-bluegreen-Service", forceNewDeployment=True)
    assert refused.value.response["Error"]["Message"] == (
        "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. "
        "Use AWS CodeDeploy to trigger a new deployment."
    )


def test_tasks_that_never_start_and_logs_sent_to_another_region():
    ecs = client("ecs", COM)
    arns = ecs.list_tasks(cluster="start-failures", serviceName="image-typo-Service", desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster="start-failures", tasks=arns)["tasks"]
    failed = [t for t in tasks if t.get("stopCode") == "TaskFailedToStart"]
    assert failed, tasks
    assert failed[0]["stoppedReason"].startswith("CannotPullContainerError:")
    assert "exitCode" not in failed[0]["containers"][0]
    east = client("logs", COM)
    west = boto3.client("logs", endpoint_url=ENDPOINT, **{**COM, "region_name": "us-west-2"})
    assert not east.describe_log_groups(logGroupNamePrefix="/ecs/west-logs")["logGroups"]
    assert west.describe_log_groups(logGroupNamePrefix="/ecs/west-logs")["logGroups"][0]["logGroupName"] == "/ecs/west-logs"


def test_cloudwatch_get_metric_data_in_whatever_protocol_boto3_speaks():
    cw = client("cloudwatch", COM)
    end = now()
    out = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "cpu",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ECS",
                        "MetricName": "CPUUtilization",
                        "Dimensions": [
                            {"Name": "ClusterName", "Value": "coe-ecs-staging"},
                            {"Name": "ServiceName", "Value": "search-staging-Service"},
                        ],
                    },
                    "Period": 300,
                    "Stat": "Average",
                },
            },
            {
                "Id": "mem",
                "Label": "memory",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ECS",
                        "MetricName": "MemoryUtilization",
                        "Dimensions": [{"Name": "ClusterName", "Value": "coe-ecs-staging"}],
                    },
                    "Period": 3600,
                    "Stat": "Maximum",
                },
            },
        ],
        StartTime=end - datetime.timedelta(days=1),
        EndTime=end,
    )
    results = {r["Id"]: r for r in out["MetricDataResults"]}
    cpu = results["cpu"]
    assert cpu["StatusCode"] == "Complete"
    assert 287 <= len(cpu["Values"]) <= 289
    assert all(v > 80 for v in cpu["Values"])
    assert cpu["Timestamps"][0] > cpu["Timestamps"][-1]
    assert isinstance(cpu["Timestamps"][0], datetime.datetime)
    assert results["mem"]["Label"] == "memory"
    assert 24 <= len(results["mem"]["Values"]) <= 25

    with pytest.raises(ClientError) as err:
        cw.get_metric_statistics(
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            StartTime=end - datetime.timedelta(hours=1),
            EndTime=end,
            Period=61,
            Statistics=["Average"],
        )
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    alarms = cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]
    assert any(a["AlarmName"] == "search-staging-Service-high-cpu" for a in alarms)


def test_logs_filter_log_events():
    logs = client("logs", COM)
    out = logs.filter_log_events(logGroupName="/ecs/worker-staging", filterPattern='"exec format error"')
    assert out["events"]
    assert all("exec format error" in e["message"] for e in out["events"])
    end = int(now().timestamp() * 1000)
    errors = [
        e
        for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName="/ecs/api-staging", filterPattern="ERROR", startTime=end - 86_400_000, endTime=end
        )
        for e in page["events"]
    ]
    assert errors and all("ERROR" in e["message"] for e in errors)
    with pytest.raises(ClientError) as err:
        logs.filter_log_events(logGroupName="/ecs/nope")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_elbv2_target_health():
    elb = client("elbv2", GOV)
    groups = elb.describe_target_groups(Names=["coe-etl-prod-tg"])["TargetGroups"]
    health = elb.describe_target_health(TargetGroupArn=groups[0]["TargetGroupArn"])
    states = [d["TargetHealth"]["State"] for d in health["TargetHealthDescriptions"]]
    assert states == ["healthy"]


def test_ec2_bridge_mode_targets_are_instances_on_dynamic_ports():
    elb = client("elbv2", COM)
    ecs = client("ecs", COM)
    group = elb.describe_target_groups(Names=["cot-router-dev-tg"])["TargetGroups"][0]
    assert group["TargetType"] == "instance"
    targets = [d["Target"] for d in elb.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]]
    arns = ecs.list_tasks(cluster="tak-ec2-dev", serviceName="cot-router-dev-Service")["taskArns"]
    tasks = ecs.describe_tasks(cluster="tak-ec2-dev", tasks=arns)["tasks"]
    assert len(targets) == len(tasks) == 2
    instances = ecs.describe_container_instances(
        cluster="tak-ec2-dev", containerInstances=[t["containerInstanceArn"] for t in tasks]
    )["containerInstances"]
    instance_of = {ci["containerInstanceArn"]: ci["ec2InstanceId"] for ci in instances}
    expected = sorted(
        (instance_of[t["containerInstanceArn"]], b["hostPort"]) for t in tasks for b in t["containers"][0]["networkBindings"]
    )
    assert sorted((t["Id"], t["Port"]) for t in targets) == expected
    assert all(t["Id"].startswith("i-") and t["Port"] >= 32768 for t in targets)
    # Bridge-mode tasks have no network interface of their own.
    assert all(not t.get("attachments") for t in tasks)


def test_alb_error_counts_are_sparse_and_log_lines_arrive_late():
    cw = client("cloudwatch", COM)
    lb = "app/staging-alb/"
    dims = next(
        m["Dimensions"]
        for m in cw.list_metrics(Namespace="AWS/ApplicationELB", MetricName="RequestCount")["Metrics"]
        if any(d["Value"].startswith(lb) for d in m["Dimensions"]) and len(m["Dimensions"]) == 2
    )
    end = now()

    def query(i, name):
        return {"Id": i, "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": name, "Dimensions": dims}, "Period": 60, "Stat": "Sum"}}

    out = cw.get_metric_data(
        MetricDataQueries=[query("req", "RequestCount"), query("err", "HTTPCode_Target_5XX_Count")],
        StartTime=end - datetime.timedelta(hours=3),
        EndTime=end,
    )
    results = {r["Id"]: r["Values"] for r in out["MetricDataResults"]}
    assert len(results["err"]) < len(results["req"])
    assert all(v > 0 for v in results["err"])
    events = client("logs", COM).filter_log_events(logGroupName="/ecs/api-staging", limit=50)["events"]
    assert events and all(e["ingestionTime"] > e["timestamp"] for e in events)


def test_sts_get_caller_identity():
    who = client("sts", GOV).get_caller_identity()
    assert who["Account"] == "210987654321"
    assert who["Arn"] == "arn:aws-us-gov:iam::210987654321:user/demo-govcloud"
    with pytest.raises(ClientError) as err:
        client("sts", dict(COM, aws_access_key_id="AKIANOSUCHKEY0000000")).get_caller_identity()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_sts_federation_token_and_console_sign_in():
    fed = client("sts", COM).get_federation_token(
        Name="ecsdesk-boto3",
        Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        DurationSeconds=900,
    )
    creds = fed["Credentials"]
    assert fed["FederatedUser"]["Arn"] == "arn:aws:sts::123456789012:federated-user/ecsdesk-boto3"
    session = json.dumps(
        {
            "sessionId": creds["AccessKeyId"],
            "sessionKey": creds["SecretAccessKey"],
            "sessionToken": creds["SessionToken"],
        }
    )
    query = urllib.parse.urlencode({"Action": "getSigninToken", "Session": session})
    with urllib.request.urlopen(f"{ENDPOINT}/federation?{query}", timeout=10) as resp:
        token = json.loads(resp.read())["SigninToken"]
    assert len(token) > 40


def test_sso_list_accounts_with_a_device_flow_token():
    oidc = boto3.client("sso-oidc", endpoint_url=ENDPOINT, region_name="us-east-1")
    reg = oidc.register_client(clientName="boto3-test", clientType="public")
    auth = oidc.start_device_authorization(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        startUrl="https://ecsdesk-demo.awsapps.com/start",
    )
    with pytest.raises(ClientError) as err:
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="urn:ietf:params:oauth:grant-type:device_code",
            deviceCode=auth["deviceCode"],
        )
    assert err.value.response["Error"]["Code"] == "AuthorizationPendingException"
    assert control("sso/approve")["approved"] >= 1
    import time

    time.sleep(1.1)
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code",
        deviceCode=auth["deviceCode"],
    )
    sso = boto3.client("sso", endpoint_url=ENDPOINT, region_name="us-east-1")
    accounts = sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    assert [a["accountId"] for a in accounts] == ["123456789012"]
    roles = sso.list_account_roles(accessToken=token["accessToken"], accountId="123456789012")["roleList"]
    assert sorted(r["roleName"] for r in roles) == ["OperatorAccess", "ReadOnlyAccess"]
    creds = sso.get_role_credentials(
        accessToken=token["accessToken"], accountId="123456789012", roleName="ReadOnlyAccess"
    )["roleCredentials"]
    who = boto3.client(
        "sts",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
    ).get_caller_identity()
    assert "assumed-role/AWSReservedSSO_ReadOnlyAccess_" in who["Arn"]


def test_service_deployments_revisions_and_paused_hooks():
    ecs = client("ecs", COM)
    listed = ecs.list_service_deployments(
        cluster="release-strategies", service="storefront-bluegreen-Service"
    )["serviceDeployments"]
    assert [d["status"] for d in listed][:3] == ["IN_PROGRESS", "SUCCESSFUL", "ROLLBACK_SUCCESSFUL"]
    assert all(isinstance(d["createdAt"], datetime.datetime) for d in listed)
    full = ecs.describe_service_deployments(
        serviceDeploymentArns=[d["serviceDeploymentArn"] for d in listed]
    )["serviceDeployments"]
    baking = full[0]
    assert baking["lifecycleStage"] == "BAKE_TIME"
    assert baking["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert baking["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    rolled = next(d for d in full if d["status"] == "ROLLBACK_SUCCESSFUL")
    assert rolled["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert rolled["rollback"]["serviceRevisionArn"] == rolled["sourceServiceRevisions"][0]["arn"]
    revisions = ecs.describe_service_revisions(
        serviceRevisionArns=[baking["targetServiceRevision"]["arn"], "arn:aws:ecs:us-east-1:123456789012:service-revision/x/y/1"]
    )
    image = revisions["serviceRevisions"][0]["containerImages"][0]
    assert image["image"].endswith("storefront:4.3.0")
    assert image["imageDigest"].startswith("sha256:")
    assert revisions["failures"][0]["reason"] == "MISSING"
    paused = ecs.list_service_deployments(
        cluster="release-strategies", service="search-linear-Service", status=["IN_PROGRESS"]
    )["serviceDeployments"][0]
    detail = ecs.describe_service_deployments(
        serviceDeploymentArns=[paused["serviceDeploymentArn"]]
    )["serviceDeployments"][0]
    hook = detail["lifecycleHookDetails"][0]
    assert hook["status"] == "AWAITING_ACTION" and hook["targetType"] == "PAUSE"
    with pytest.raises(ClientError) as err:
        ecs.stop_service_deployment(serviceDeploymentArn=rolled["serviceDeploymentArn"])
    assert err.value.response["Error"]["Code"] == "ConflictException"
    # The blue/green pair's production rule forwards by weight to both target groups.
    svc = ecs.describe_services(cluster="release-strategies", services=["storefront-bluegreen-Service"])
    advanced = svc["services"][0]["loadBalancers"][0]["advancedConfiguration"]
    rules = client("elbv2", COM).describe_rules(RuleArns=[advanced["productionListenerRule"]])["Rules"]
    groups = rules[0]["Actions"][0]["ForwardConfig"]["TargetGroups"]
    assert sorted(g["Weight"] for g in groups) == [0, 100]


def aws(*args, profile):
    out = subprocess.run(
        [os.environ["AWS_CLI"], *args, "--profile", profile, "--output", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_application_autoscaling_targets_policies_and_activities():
    aas = client("application-autoscaling", COM)
    pages = aas.get_paginator("describe_scalable_targets").paginate(
        ServiceNamespace="ecs", PaginationConfig={"PageSize": 1}
    )
    targets = [t for page in pages for t in page["ScalableTargets"]]
    by_id = {t["ResourceId"]: t for t in targets}
    web = by_id["service/autoscaling/web-autoscaled-Service"]
    assert (web["MinCapacity"], web["MaxCapacity"]) == (2, 8)
    assert web["ScalableDimension"] == "ecs:service:DesiredCount"
    policies = aas.describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=web["ResourceId"]
    )["ScalingPolicies"]
    config = policies[0]["TargetTrackingScalingPolicyConfiguration"]
    assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == (
        "ECSServiceAverageCPUUtilization"
    )
    scheduled = aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]
    assert {a["ScheduledActionName"] for a in scheduled} == {"weekday-morning-floor", "night-floor"}
    activities = aas.describe_scaling_activities(
        ServiceNamespace="ecs",
        ResourceId="service/autoscaling/queue-worker-Service",
        ScalableDimension="ecs:service:DesiredCount",
        IncludeNotScaledActivities=True,
    )["ScalingActivities"]
    assert activities[0]["NotScaledReasons"][0]["Code"] == "AlreadyAtMaxCapacity"
    with pytest.raises(ClientError) as err:
        aas.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=web["ResourceId"],
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=9,
            MaxCapacity=3,
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_cloudtrail_lookup_events_by_name_and_paged():
    # Standard retries back off through the 2-calls-a-second limit, as against AWS.
    trail = boto3.client(
        "cloudtrail",
        endpoint_url=ENDPOINT,
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 10}),
        **COM,
    )
    pages = trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UpdateService"}],
        PaginationConfig={"PageSize": 5},
    )
    events = [e for page in pages for e in page["Events"]]
    assert any(e.get("Username") == "alice@example.com" for e in events)
    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["eventSource"] == "ecs.amazonaws.com"
    assert all(e["EventName"] == "UpdateService" for e in events)


def test_logs_insights_query_runs_to_complete_and_saved_queries():
    logs = client("logs", COM)
    end = int(now().timestamp())
    query_id = logs.start_query(
        logGroupName="/ecs/api-staging",
        startTime=end - 3600,
        endTime=end,
        queryString="filter @message like /INFO/ | stats count(*) as lines by bin(5m)",
    )["queryId"]
    control("clock/advance", {"seconds": 120})
    out = logs.get_query_results(queryId=query_id)
    assert out["status"] == "Complete"
    assert out["statistics"]["bytesScanned"] > 0
    assert {f["field"] for f in out["results"][0]} == {"bin(5m)", "lines"}
    saved = logs.describe_query_definitions(queryDefinitionNamePrefix="ops/")["queryDefinitions"]
    assert len(saved) == 3


def test_aws_cli_ecs_describe_services():
    out = aws(
        "ecs",
        "describe-services",
        "--cluster",
        "coe-ecs-prod",
        "--services",
        "coe-etl-prod-Service",
        "coe-api-prod-Service",
        profile="demo-govcloud",
    )
    assert sorted(s["serviceName"] for s in out["services"]) == ["coe-api-prod-Service", "coe-etl-prod-Service"]


def test_aws_cli_cloudwatch_get_metric_statistics():
    end = now().replace(microsecond=0)
    start = end - datetime.timedelta(hours=3)
    out = aws(
        "cloudwatch",
        "get-metric-statistics",
        "--namespace",
        "AWS/ECS",
        "--metric-name",
        "CPUUtilization",
        "--dimensions",
        "Name=ClusterName,Value=coe-ecs-prod",
        "Name=ServiceName,Value=coe-etl-prod-Service",
        "--start-time",
        start.isoformat(),
        "--end-time",
        end.isoformat(),
        "--period",
        "300",
        "--statistics",
        "Average",
        "Maximum",
        profile="demo-govcloud",
    )
    assert out["Label"] == "CPUUtilization"
    assert 36 <= len(out["Datapoints"]) <= 37
    assert all(0 < d["Average"] < 70 and d["Maximum"] >= d["Average"] for d in out["Datapoints"])


def test_aws_cli_logs_filter_log_events():
    end = int(now().timestamp() * 1000)
    out = aws(
        "logs",
        "filter-log-events",
        "--log-group-name",
        "/ecs/api-staging",
        "--filter-pattern",
        "ERROR",
        "--start-time",
        str(end - 86_400_000),
        profile="demo-commercial",
    )
    assert out["events"]
    assert all("ERROR" in e["message"] for e in out["events"])
