/* awsorch: everything public, in one include. */
#ifndef AWSORCH_AWSORCH_H
#define AWSORCH_AWSORCH_H

#include "athena.h"
#include "client.h"
#include "core.h"
#include "credentials.h"
#include "glue.h"
#include "lambda.h"
#include "logs.h"
#include "model.h"
#include "poller.h"
#include "redshift_data.h"
#include "s3.h"
#include "settings.h"
#include "sfn.h"
#include "sts.h"
#include "sigv4.h"

#endif
