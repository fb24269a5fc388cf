"""Shows what Lambda hands a function: every field of the context, and the environment variables."""

import os


def handler(event, context):
    client_context = context.client_context
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "memory_limit_type": type(context.memory_limit_in_mb).__name__,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "remaining_type": type(context.get_remaining_time_in_millis()).__name__,
        "identity": {"cognito_identity_id": context.identity.cognito_identity_id,
                     "cognito_identity_pool_id": context.identity.cognito_identity_pool_id},
        "client_context": None if client_context is None else {
            "custom": client_context.custom, "env": client_context.env,
            "client_app_title": client_context.client.app_title if client_context.client else None},
        "cwd": os.getcwd(),
        "environment": dict(os.environ),
    }
