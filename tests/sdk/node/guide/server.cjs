// The server of docs.stripe.com/payments/finalize-payments-on-the-server ("Create and submit
// the payment to Stripe"), verbatim except for what pointing it at Tender needs:
//   * the secret key comes from TENDER_SECRET_KEY (the guide hard-codes a sample key);
//   * the stripe-node options `host`, `port` and `protocol` point at TENDER_BASE_URL;
//   * it listens on GUIDE_PORT (default 3000, as in the guide).
// CommonJS (`.cjs`) because the guide uses require() and this package is "type": "module".
const tender = new URL(process.env.TENDER_BASE_URL);
const stripe = require("stripe")(process.env.TENDER_SECRET_KEY, {
  host: tender.hostname,
  port: tender.port || '80',
  protocol: tender.protocol.replace(':', ''),
});
const express = require('express');
const app = express();

app.set('trust proxy', true);
app.use(express.json());
app.use(express.static("."));

app.post('/create-confirm-intent', async (req, res) => {
  try {
    const intent = await stripe.paymentIntents.create({
      confirm: true,
      amount: 1099,
      currency: 'usd',
      // In the latest version of the API, specifying the `automatic_payment_methods` parameter is optional because Stripe enables its functionality by default.
      automatic_payment_methods: {enabled: true},
      confirmation_token: req.body.confirmationTokenId, // the ConfirmationToken ID sent by your client
    });
    res.json({
      client_secret: intent.client_secret,
      status: intent.status
    });
  } catch (err) {
    res.json({
      error: err
    })
  }
});

const port = Number(process.env.GUIDE_PORT || 3000);
app.listen(port, () => {
  console.log('Running on port ' + port);
});
