"""Creates, with boto3 against moto, what the core's moto check reads: an ECS cluster with a
Fargate service behind an ALB target group, a task, and a log group with lines. Prints the names
and ARNs as JSON on stdout."""

import json
import os
import time

import boto3

ENDPOINT = os.environ["MOTO_ENDPOINT"]
REGION = "us-east-1"


def client(name):
    return boto3.client(
        name,
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


ec2, ecs, elbv2, logs = client("ec2"), client("ecs"), client("elbv2"), client("logs")

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [
    ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
        "Subnet"
    ]["SubnetId"]
    for i, az in enumerate("ab")
]
sg = ec2.create_security_group(GroupName="moto-api", Description="api", VpcId=vpc)["GroupId"]
network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg]}}
lb = elbv2.create_load_balancer(Name="moto-alb", Subnets=subnets, Type="application")[
    "LoadBalancers"
][0]["LoadBalancerArn"]
tg = elbv2.create_target_group(
    Name="moto-tg",
    Protocol="HTTP",
    Port=8080,
    VpcId=vpc,
    TargetType="ip",
    HealthCheckPath="/health",
)["TargetGroups"][0]["TargetGroupArn"]
elbv2.create_listener(
    LoadBalancerArn=lb,
    Protocol="HTTP",
    Port=80,
    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
)
elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.0.10", "Port": 8080}])

cluster = "moto-cluster"
ecs.create_cluster(clusterName=cluster)
for revision in range(2):
    ecs.register_task_definition(
        family="moto-api",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "api",
                "image": f"public.ecr.aws/nginx/nginx:1.{revision}",
                "essential": True,
                "cpu": 256,
                "memory": 512,
                "portMappings": [{"containerPort": 8080}],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/moto-api",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "ecs",
                    },
                },
            }
        ],
    )
service = "moto-api-Service"
ecs.create_service(
    cluster=cluster,
    serviceName=service,
    taskDefinition="moto-api:2",
    desiredCount=2,
    launchType="FARGATE",
    networkConfiguration=network,
    loadBalancers=[{"targetGroupArn": tg, "containerName": "api", "containerPort": 8080}],
)
task = None
try:
    run = ecs.run_task(
        cluster=cluster,
        taskDefinition="moto-api:2",
        launchType="FARGATE",
        count=1,
        startedBy=service,
        networkConfiguration=network,
    )
    if run.get("tasks"):
        task = run["tasks"][0]["taskArn"]
except Exception as e:  # moto versions differ in what RunTask accepts; the check adapts
    print(json.dumps({"runTaskError": str(e)}), file=open(os.devnull, "w"))

group = "/ecs/moto-api"
logs.create_log_group(logGroupName=group)
stream = "ecs/api/0123456789abcdef"
logs.create_log_stream(logGroupName=group, logStreamName=stream)
now = int(time.time() * 1000)
lines = [
    "GET /health 200 1ms",
    "ERROR database connection refused",
    "GET /orders 200 12ms",
    "ERROR timeout calling payments",
]
logs.put_log_events(
    logGroupName=group,
    logStreamName=stream,
    logEvents=[{"timestamp": now - 60_000 + i * 1000, "message": m} for i, m in enumerate(lines)],
)

print(
    json.dumps(
        {
            "cluster": cluster,
            "service": service,
            "taskDefinition": "moto-api:2",
            "desired": 2,
            "loadBalancer": lb,
            "targetGroup": tg,
            "target": "10.0.0.10",
            "task": task,
            "logGroup": group,
            "logStream": stream,
            "lines": lines,
        }
    )
)
