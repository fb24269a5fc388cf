"""The services that invoke functions, as AWS wires them: the HTTP front door (function URLs, HTTP and REST APIs),
the SQS and DynamoDB Streams pollers (one watch loop), EventBridge rule targets and the scheduler."""
